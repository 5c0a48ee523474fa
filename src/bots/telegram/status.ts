import { ConnectionFailed, ContactStopped, FailedWithReason, Throttled } from '../../domain/errors';

/**
 * What Telegram's error answers mean for the outbox. Telegram has no delivery
 * callbacks: a message the Bot API accepted is `delivered` to the chat.
 */
export const TELEGRAM_ERRORS: {
  code: number;
  description?: RegExp;
  outcome: 'stopped' | 'throttled' | 'retry' | 'failed';
}[] = [
  { code: 403, description: /blocked by the user|user is deactivated|bot was kicked/i, outcome: 'stopped' },
  { code: 403, outcome: 'failed' },
  { code: 429, outcome: 'throttled' },
  { code: 400, description: /chat not found/i, outcome: 'failed' },
  { code: 500, outcome: 'retry' },
  { code: 502, outcome: 'retry' },
  { code: 503, outcome: 'retry' },
  { code: 504, outcome: 'retry' },
];

/** Turns what telegraf threw into one of our typed errors. */
export function classifyTelegramError(err: unknown): Error {
  const e = err as {
    response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } };
    message?: string;
  };
  const code = e?.response?.error_code;
  const description = e?.response?.description ?? e?.message ?? String(err);
  if (typeof code !== 'number') return new ConnectionFailed(`telegram: ${description}`, { cause: err });
  const row = TELEGRAM_ERRORS.find(
    (r) => r.code === code && (!r.description || r.description.test(description)),
  );
  const outcome = row?.outcome ?? (code >= 500 ? 'retry' : 'failed');
  switch (outcome) {
    case 'stopped':
      return new ContactStopped(`telegram ${code}: ${description}`);
    case 'throttled': {
      const after = e.response?.parameters?.retry_after;
      return new Throttled(`telegram 429: ${description}`, after ? after * 1000 : undefined);
    }
    case 'retry':
      return new ConnectionFailed(`telegram ${code}: ${description}`, { cause: err });
    default:
      return new FailedWithReason(`telegram ${code}: ${description}`, String(code), {
        staffAlert: code === 401 ? { code: '401', text: 'Telegram refuses TELEGRAM_BOT_TOKEN' } : undefined,
      });
  }
}
