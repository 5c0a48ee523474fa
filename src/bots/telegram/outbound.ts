import { Telegraf } from 'telegraf';
import { OutboundMessage } from '../../models';
import { SendResult, Sender } from '../../models/channel';
import { classifyTelegramError } from './status';

/** What the Telegram client needs. */
export interface TelegramSettings {
  token: string;
  /** Bot API root; a local fake in tests. */
  apiRoot: string;
  /** Least time between two messages to one chat (Telegram asks for about one a second). */
  perChatMs?: number;
}

/**
 * The Bot API through telegraf's client: sending (with inline keyboards), answering
 * button taps, setting the webhook and long polling. Telegraf's own update handling is
 * not used: our inbound log carries durability.
 */
export class TelegramClient implements Sender {
  readonly transport = 'telegram' as const;
  private bot: Telegraf;
  private lastByChat = new Map<string, Promise<number>>();

  constructor(private settings: TelegramSettings) {
    this.bot = new Telegraf(settings.token, { telegram: { apiRoot: settings.apiRoot, webhookReply: false } });
  }

  /** Waits so that messages to one chat are at least `perChatMs` apart, in order. */
  private async paced<T>(chat: string, fn: () => Promise<T>): Promise<T> {
    const gap = this.settings.perChatMs ?? 1000;
    const prev = this.lastByChat.get(chat) ?? Promise.resolve(0);
    let release!: (t: number) => void;
    const mine = new Promise<number>((r) => (release = r));
    this.lastByChat.set(chat, mine);
    const last = await prev;
    const wait = last + gap - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      return await fn();
    } finally {
      release(Date.now());
      if (this.lastByChat.get(chat) === mine) {
        setTimeout(() => this.lastByChat.get(chat) === mine && this.lastByChat.delete(chat), gap).unref();
      }
    }
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const extra = message.buttons?.length
      ? {
          reply_markup: {
            inline_keyboard: message.buttons.map((row) =>
              row.map((b) => ({ text: b.text, callback_data: b.data })),
            ),
          },
        }
      : {};
    try {
      const sent = await this.paced(message.to, () =>
        this.bot.telegram.sendMessage(message.to, message.text, extra),
      );
      return { providerId: `${sent.chat.id}:${sent.message_id}`, status: 'delivered' };
    } catch (err) {
      throw classifyTelegramError(err);
    }
  }

  /** Acknowledges a button tap so the user's spinner stops. */
  async answerCallback(callbackId: string): Promise<void> {
    await this.bot.telegram.answerCbQuery(callbackId);
  }

  /** Points Telegram at our webhook, with the secret it must send back. */
  async setWebhook(url: string, secret: string): Promise<void> {
    await this.bot.telegram.setWebhook(url, { secret_token: secret, drop_pending_updates: false });
  }

  /** Removes any webhook so long polling can work. */
  async deleteWebhook(): Promise<void> {
    await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
  }

  /** Long-polls for updates after `offset`; passing a higher offset confirms the earlier ones. */
  getUpdates(offset: number, timeoutSec: number): Promise<unknown[]> {
    return this.bot.telegram.getUpdates(timeoutSec, 100, offset, undefined);
  }
}
