import { IncomingMessage } from '../bots/types';
import { Logger } from '../log';
import { InboundMessage } from '../models';
import { Channel } from '../models';
import { addressKey, logInbound } from '../store/repos';
import { Store } from '../store/types';
import { Rendered } from '../i18n/render';
import { FlowEngine } from './engine';
import { SlidingWindowLimiter } from './limiter';
import { Spool } from './spool';
import type { Metrics } from '../metrics';
import { ChimbaError } from '../domain/errors';

const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<typeof TIMED_OUT>(
    (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Where every channel's messages enter: logged first (so a redelivery is harmless and
 * nothing acknowledged is lost), then handed to the flow engine. A message whose
 * handling failed stays `received` and is tried again by `retryPending`.
 */
export class Inbox {
  constructor(
    private store: Store,
    private engine: FlowEngine,
    private log: Logger,
    private onReplies: () => void = () => undefined,
    /** One sender over this many messages an hour is logged but not answered (SMS pumping, loops). */
    private perSender = new SlidingWindowLimiter(Infinity, 3_600_000),
    /** All senders together over this many a minute: handled, not answered (pumping from many numbers). */
    private global = new SlidingWindowLimiter(Infinity, 60_000),
    private metrics?: Metrics,
  ) {}

  /**
   * For webhooks whose provider will not retry (Twilio): logs the message, or spools it to
   * disk when the store fails or does not answer within `budgetMs`, then processes it for
   * what is left of the budget. Resolves within about `budgetMs` whatever the store does;
   * work not finished by then goes on (from the log, or from the spool once the store is back).
   */
  async accept(
    msg: IncomingMessage,
    spool: Spool,
    budgetMs: number,
  ): Promise<'handled' | 'duplicate' | 'deferred' | 'spooled'> {
    const deadline = Date.now() + budgetMs;
    const logging = this.log_(msg);
    const logged = await within(logging, budgetMs).catch((err: unknown) => {
      if (err instanceof ChimbaError && !err.retryable) throw err;
      return { failed: err };
    });
    if (logged === TIMED_OUT || 'failed' in logged) {
      spool.write(msg);
      this.metrics?.spooled.inc();
      logging.catch(() => undefined); // it may still land: the replay then finds a duplicate
      this.log.warn(
        {
          providerMessageId: msg.providerMessageId,
          reason: logged === TIMED_OUT ? 'store too slow' : 'store unavailable',
        },
        'inbound message spooled to disk',
      );
      return 'spooled';
    }
    const processing = this.afterLog(msg, logged.inbound, logged.duplicate);
    const done = await within(processing, Math.max(0, deadline - Date.now())).catch(
      (): typeof TIMED_OUT => TIMED_OUT,
    );
    if (done === TIMED_OUT) {
      processing.catch(() => undefined);
      return 'deferred';
    }
    if (logged.duplicate) return 'duplicate';
    return done.handled ? 'handled' : 'deferred';
  }

  /** Logs and processes one message; `duplicate` when the provider sent it before. */
  async receive(
    msg: IncomingMessage,
  ): Promise<{ inbound: InboundMessage; duplicate: boolean; handled: boolean; replies: Rendered[] }> {
    const { inbound, duplicate } = await this.log_(msg);
    return this.afterLog(msg, inbound, duplicate);
  }

  private async log_(msg: IncomingMessage): Promise<{ inbound: InboundMessage; duplicate: boolean }> {
    const logged = await logInbound(this.store, {
      channel: msg.channel,
      transport: msg.transport,
      providerMessageId: msg.providerMessageId,
      address: msg.address,
      text: msg.text,
      receivedAt: msg.receivedAt,
      extra: msg.extra,
    });
    if (!logged.duplicate) this.metrics?.messagesIn.inc({ channel: msg.channel });
    return logged;
  }

  private async afterLog(
    msg: IncomingMessage,
    inbound: InboundMessage,
    duplicate: boolean,
  ): Promise<{ inbound: InboundMessage; duplicate: boolean; handled: boolean; replies: Rendered[] }> {
    if (duplicate && inbound.status === 'handled') return { inbound, duplicate, handled: true, replies: [] };
    if (!duplicate && this.perSender.over(`${msg.channel}:${msg.address}`)) {
      // One number flooding the line: kept in the log (nothing is lost) but neither
      // processed nor answered: replies cost money, and a loop would never end.
      await this.store
        .collection('inbound')
        .updateOne(
          { _id: inbound._id },
          { $set: { status: 'handled', handledAt: new Date(), lastError: 'rate_limited' } },
        );
      this.log.warn(
        { channel: msg.channel },
        'over INBOUND_PER_SENDER_PER_HOUR: message logged, not answered',
      );
      return { inbound, duplicate, handled: true, replies: [] };
    }
    // Many numbers at once (pumping, or a rush after a broadcast): reports and answers are
    // still recorded, but no reply is sent past the line's budget.
    const silent = !duplicate && this.global.over('all');
    if (silent)
      this.log.warn(
        { channel: msg.channel },
        'over INBOUND_GLOBAL_PER_MINUTE: message handled, not answered',
      );
    const replies = await this.process(inbound, silent);
    return { inbound, duplicate, handled: replies !== undefined, replies: replies ?? [] };
  }

  /** Runs the engine on a logged message: the replies it queued, or undefined (error recorded) when it failed. */
  async process(inbound: InboundMessage, silent = false): Promise<Rendered[] | undefined> {
    try {
      const { replies } = await this.engine.handle(inbound, { silent });
      this.onReplies();
      return replies;
    } catch (err) {
      this.log.error(
        { err, inboundId: inbound._id },
        'handling an inbound message failed; it will be retried',
      );
      await this.store
        .collection('inbound')
        .updateOne(
          { _id: inbound._id },
          { $set: { lastError: (err as Error).message }, $inc: { attempts: 1 } },
        )
        .catch(() => undefined);
      return undefined;
    }
  }

  /** The person blocked the bot or left: no more messages to them, on any channel. */
  async optOut(channel: Channel, address: string): Promise<boolean> {
    const r = await this.store
      .collection('contacts')
      .updateOne(
        { 'addresses.key': addressKey(channel, address), optedOut: false },
        { $set: { optedOut: true, optedOutAt: new Date() } },
      );
    return r.modified > 0;
  }

  /** Processes messages still `received` after `olderThanMs` (a crash or a failure left them). */
  async retryPending(olderThanMs = 30_000, maxAttempts = 5, now = new Date()): Promise<number> {
    const pending = await this.store.collection('inbound').find(
      {
        status: 'received',
        receivedAt: { $lte: new Date(now.getTime() - olderThanMs) },
        attempts: { $lt: maxAttempts },
      },
      { sort: { receivedAt: 1 }, limit: 100 },
    );
    let ok = 0;
    for (const inbound of pending) if (await this.process(inbound)) ok++;
    return ok;
  }
}
