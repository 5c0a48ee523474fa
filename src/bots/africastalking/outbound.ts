import {
  ConnectionFailed,
  ContactStopped,
  FailedWithReason,
  RetryLater,
  Throttled,
} from '../../domain/errors';
import { OutboundMessage } from '../../models';
import { SendResult, Sender } from '../../models/channel';
import { AT_RECIPIENT_CODES } from './status';
import { parseAtCost } from './inbound';

/** What the Africa's Talking sender needs. */
export interface AtOutboundSettings {
  username: string;
  apiKey: string;
  /** Sender id or short code; the account's default when not set. */
  senderId?: string;
  /** Base URL of the API (the live one, the sandbox, or a local fake). */
  apiBase: string;
  timeoutMs?: number;
}

interface Recipient {
  statusCode?: number;
  status?: string;
  number?: string;
  cost?: string;
  messageId?: string;
}

/**
 * Sends SMS through Africa's Talking (`POST /version1/messaging`, form-encoded, `apiKey`
 * header). One message, one recipient: its `statusCode` decides (see `status.ts`).
 */
export class AfricasTalkingSender implements Sender {
  readonly transport = 'africastalking' as const;

  constructor(private settings: AtOutboundSettings) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const form = new URLSearchParams({
      username: this.settings.username,
      to: message.to,
      message: message.text,
    });
    if (this.settings.senderId) form.set('from', this.settings.senderId);
    let res: Response;
    try {
      res = await fetch(`${this.settings.apiBase}/version1/messaging`, {
        method: 'POST',
        headers: {
          apiKey: this.settings.apiKey,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form,
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new ConnectionFailed(`africastalking: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429) {
      const after = Number(res.headers.get('retry-after'));
      throw new Throttled(
        'africastalking 429',
        Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
      );
    }
    if (res.status >= 500) throw new ConnectionFailed(`africastalking ${res.status}: ${text.slice(0, 200)}`);
    if (res.status === 401)
      throw new FailedWithReason('africastalking 401: AT_USERNAME or AT_API_KEY is wrong', '401', {
        staffAlert: { code: '401', text: 'Africa’s Talking refuses AT_USERNAME or AT_API_KEY' },
      });
    if (res.status !== 201 && res.status !== 200)
      throw new FailedWithReason(`africastalking ${res.status}: ${text.slice(0, 200)}`, String(res.status));
    let recipient: Recipient | undefined;
    try {
      recipient = (JSON.parse(text) as { SMSMessageData?: { Recipients?: Recipient[] } }).SMSMessageData
        ?.Recipients?.[0];
    } catch {
      throw new ConnectionFailed(`africastalking: an answer that is not JSON: ${text.slice(0, 100)}`);
    }
    if (!recipient || typeof recipient.statusCode !== 'number')
      throw new FailedWithReason(
        `africastalking: no recipient in the answer: ${text.slice(0, 200)}`,
        'no_recipient',
      );
    return outcomeOf(recipient);
  }
}

/** What one recipient's status code means: a result, or the typed error the outbox acts on. */
function outcomeOf(r: Recipient): SendResult {
  const known = AT_RECIPIENT_CODES[r.statusCode!];
  const what = `africastalking ${r.statusCode} ${r.status ?? known?.name ?? ''}`.trim();
  if (!known) throw new FailedWithReason(`${what}: an undocumented code`, String(r.statusCode));
  const o = known.outcome;
  switch (o.kind) {
    case 'accepted':
      return { providerId: r.messageId, status: o.status, cost: parseAtCost(r.cost) };
    case 'optedOut':
      throw new ContactStopped(`${what}: the number opted out at the network`);
    case 'dead':
      throw new FailedWithReason(o.alert ? `${what}: ${o.alert}` : what, known.name, {
        staffAlert: o.alert ? { code: known.name, text: o.alert } : undefined,
      });
    case 'retry':
      if (o.pauseMs && r.statusCode === 405)
        throw new Throttled(`${what}: ${o.alert}`, o.pauseMs, {
          staffAlert: o.alert ? { code: known.name, text: o.alert } : undefined,
        });
      if (o.pauseMs) throw new RetryLater(what, o.pauseMs);
      throw new ConnectionFailed(what);
  }
}
