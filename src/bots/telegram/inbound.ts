import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BadRequest, describeIssues, Forbidden, Unauthorized } from '../../domain/errors';
import { ChannelEvent } from '../../models/channel';
import { decodeCallback } from '../../flows/callbacks';

/**
 * Checks `X-Telegram-Bot-Api-Secret-Token` (set with `setWebhook`): missing → 401,
 * wrong → 403. Constant-time, so the secret cannot be guessed byte by byte.
 */
export function verifyTelegramSecret(header: string | string[] | undefined, secret: string): void {
  if (typeof header !== 'string' || !header)
    throw new Unauthorized('missing X-Telegram-Bot-Api-Secret-Token');
  const a = Buffer.from(header);
  const b = Buffer.from(secret);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new Forbidden('X-Telegram-Bot-Api-Secret-Token does not match');
}

const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const user = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  language_code: z.string().max(16).optional(),
});
const message = z.looseObject({
  message_id: z.number().int(),
  chat,
  from: user.optional(),
  date: z.number().int(),
  text: z.string().max(4096).optional(),
  location: z
    .looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
    .optional(),
});
const update = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: z.unknown().optional(),
  callback_query: z
    .looseObject({
      id: z.string().min(1),
      from: user,
      message: z.looseObject({ chat }).optional(),
      data: z.string().max(64).optional(),
    })
    .optional(),
  my_chat_member: z
    .looseObject({
      chat,
      new_chat_member: z.looseObject({ status: z.string() }),
    })
    .optional(),
});

/** A Telegram update parsed into our event, and the update id it came with. */
export interface ParsedUpdate {
  updateId: number;
  event: ChannelEvent;
}

/**
 * Reads one Bot API update: messages (text, shared locations, `/start <payload>`),
 * button taps, and the bot being blocked. Edits, group chats and other update types
 * are ignored. `botId` makes the provider id unique per bot.
 */
export function parseTelegramUpdate(body: unknown, botId: string): ParsedUpdate {
  const parsed = update.safeParse(body);
  if (!parsed.success) {
    throw new BadRequest(`malformed Telegram update: ${describeIssues(parsed.error)}`);
  }
  const u = parsed.data;
  const base = { kind: 'message' as const, channel: 'telegram' as const, transport: 'telegram' as const };
  const providerMessageId = `${botId}:${u.update_id}`;
  const ignored = (reason: string): ParsedUpdate => ({
    updateId: u.update_id,
    event: { kind: 'ignored', reason },
  });

  if (u.message) {
    const m = u.message;
    if (m.chat.type !== 'private') return ignored('not a private chat');
    const address = String(m.chat.id);
    const receivedAt = new Date(m.date * 1000);
    const hint = m.from?.language_code?.slice(0, 2);
    if (m.location) {
      const location = { lat: m.location.latitude, lon: m.location.longitude };
      return {
        updateId: u.update_id,
        event: { ...base, providerMessageId, address, text: '', receivedAt, extra: { location } },
      };
    }
    if (m.text === undefined) return ignored('a message without text or location');
    const start = /^\/start(?:@\w+)?(?:\s+(\S{1,64}))?\s*$/.exec(m.text);
    if (start) {
      const extra = {
        start: true,
        ...(start[1] ? { startPayload: start[1] } : {}),
        ...(hint ? { languageHint: hint } : {}),
      };
      return {
        updateId: u.update_id,
        event: { ...base, providerMessageId, address, text: '/start', receivedAt, extra },
      };
    }
    const extra = hint ? { languageHint: hint } : undefined;
    return {
      updateId: u.update_id,
      event: { ...base, providerMessageId, address, text: m.text, receivedAt, extra },
    };
  }
  if (u.callback_query) {
    const q = u.callback_query;
    const address = String(q.message?.chat.id ?? q.from.id);
    // answers to questions and poll options; anything else was not written by Chimba
    if (!decodeCallback(q.data)) return ignored('a button that is not ours');
    return {
      updateId: u.update_id,
      event: {
        ...base,
        providerMessageId,
        address,
        text: '',
        receivedAt: new Date(),
        extra: { callbackId: q.id, callbackData: q.data },
      },
    };
  }
  if (u.my_chat_member) {
    const status = u.my_chat_member.new_chat_member.status;
    if (u.my_chat_member.chat.type === 'private' && (status === 'kicked' || status === 'left')) {
      return {
        updateId: u.update_id,
        event: { kind: 'optout', channel: 'telegram', address: String(u.my_chat_member.chat.id) },
      };
    }
    return ignored(`chat member status ${status}`);
  }
  if (u.edited_message) return ignored('an edited message (the first version was handled)');
  return ignored('an update type Chimba does not use');
}
