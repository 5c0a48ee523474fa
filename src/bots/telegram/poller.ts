import { Logger } from '../../log';
import { ParsedUpdate, parseTelegramUpdate } from './inbound';
import { TelegramClient } from './outbound';

/**
 * Long polling for development, durable unlike telegraf's launch(): each update is
 * handed to `onUpdate` (which logs it before processing) and only then confirmed, by
 * asking for the next offset. A crash before that gets the update again.
 */
export class TelegramPoller {
  private running = false;
  private loop?: Promise<void>;
  private offset = 0;

  constructor(
    private client: TelegramClient,
    private botId: string,
    private onUpdate: (u: ParsedUpdate) => Promise<void>,
    private log: Logger,
    private timeoutSec = 25,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let backoff = 1000;
    await this.client
      .deleteWebhook()
      .catch((err) => this.log.warn({ err }, 'could not remove the Telegram webhook'));
    while (this.running) {
      try {
        const updates = await this.client.getUpdates(this.offset, this.timeoutSec);
        for (const raw of updates) {
          if (!this.running) return;
          let parsed: ParsedUpdate;
          try {
            parsed = parseTelegramUpdate(raw, this.botId);
          } catch (err) {
            this.log.warn({ err }, 'skipping a malformed Telegram update');
            this.offset = Math.max(this.offset, ((raw as { update_id?: number }).update_id ?? 0) + 1);
            continue;
          }
          await this.onUpdate(parsed);
          this.offset = parsed.updateId + 1;
        }
        backoff = 1000;
      } catch (err) {
        this.log.warn({ err, backoff }, 'Telegram polling failed, retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  /** Stops asking for updates; an update already fetched but not handled is fetched again next time. */
  async stop(): Promise<void> {
    this.running = false;
    // The pending long poll returns within timeoutSec; nothing it brings is handled or confirmed.
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 100))]);
  }
}
