import { randomUUID } from 'node:crypto';
import { IncomingMessage } from '../models/channel';
import { ChimbaError, DuplicateKey } from '../domain/errors';
import { Logger } from '../log';
import { Channel, InboundMessage } from '../models';
import { acquireLease, releaseLease } from '../store/lease';
import { addressKey, optOut } from '../contacts/contacts';
import { Store } from '../store/types';
import { Rendered } from '../i18n/render';
import type { Metrics } from '../metrics';
import { FlowEngine } from './engine';
import { SlidingWindowLimiter } from './limiter';
import { Spool } from './spool';
import { HandlingPacer } from './pacer';

const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<typeof TIMED_OUT>(
    (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** How long one instance holds a contact while it handles that person's messages (renewed per message). */
const CONTACT_LEASE_MS = 30_000;
/**
 * How many contacts one instance handles at once. Their units still run one at a time; the
 * others meanwhile wait for their commit to reach the disk, so many in flight keep the
 * store busy rather than waiting.
 */
const INBOX_HANDLERS = 32;
/** The lease name of a contact's messages. */
const leaseOf = (channel: Channel, address: string) => `inbox:${addressKey(channel, address)}`;

/**
 * Where every channel's messages enter. A message is logged first, durably (so a
 * redelivery is harmless and nothing acknowledged is lost), and the webhook is answered;
 * handling follows from the log. One person's messages are handled one at a time, oldest
 * first, by whichever instance holds that person's lease, so several instances on one
 * MongoDB never interleave them. A message whose handling failed stays `received` and is
 * tried again by `retryPending`.
 */
export class Inbox {
  /** This instance's name in leases. */
  private owner = randomUUID();
  /** Contacts whose messages wait to be handled here, in the order they were scheduled. */
  private pending = new Map<string, { channel: Channel; address: string }>();
  /** Contacts being handled now, and those to look at again after (a message came meanwhile). */
  private draining = new Map<string, Promise<void>>();
  private again = new Set<string>();
  /** Resolves `settle` callers when nothing waits and nothing runs. */
  private idle: (() => void)[] = [];
  /** Webhooks are answered first: handlings take their turn (see `HandlingPacer`). */
  private pacer = new HandlingPacer();

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
    private maxAttempts = 5,
  ) {}

  /**
   * For webhooks: logs the message (or spools it to disk when the store fails or does not
   * answer within `budgetMs`) and returns as soon as it is durable; handling goes on after.
   */
  async accept(
    msg: IncomingMessage,
    spool?: Spool,
    budgetMs = 5_000,
  ): Promise<'accepted' | 'duplicate' | 'spooled'> {
    const logging = this.record(msg);
    const logged = spool
      ? await within(logging, budgetMs).catch((err: unknown) => {
          if (err instanceof ChimbaError && !err.retryable) throw err;
          return { failed: err };
        })
      : await logging;
    if (logged === TIMED_OUT || 'failed' in logged) {
      spool!.write(msg);
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
    if (logged.inbound.status === 'received') this.schedule(logged.inbound.channel, logged.inbound.address);
    return logged.duplicate ? 'duplicate' : 'accepted';
  }

  /**
   * Logs and handles one message before answering (the simulator, which shows the replies;
   * the spool's replay): `duplicate` when the provider sent it before.
   */
  async receive(
    msg: IncomingMessage,
  ): Promise<{ inbound: InboundMessage; duplicate: boolean; handled: boolean; replies: Rendered[] }> {
    const { inbound, duplicate } = await this.record(msg);
    if (inbound.status !== 'received') return { inbound, duplicate, handled: true, replies: [] };
    const replies = await this.handleNow(inbound);
    return { inbound, duplicate, handled: replies !== undefined, replies: replies ?? [] };
  }

  /**
   * Writes a message to the log, deciding on the way what the line's limits say: a number
   * over its hourly limit is logged as handled, unanswered (one write); past the global
   * budget, the message will be handled but not answered.
   */
  private async record(msg: IncomingMessage): Promise<{ inbound: InboundMessage; duplicate: boolean }> {
    const key = `${msg.channel}:${msg.address}`;
    const flooding = this.perSender.count(key) >= this.perSender.limit;
    const logged = await logInbound(this.store, {
      channel: msg.channel,
      transport: msg.transport,
      providerMessageId: msg.providerMessageId,
      address: msg.address,
      text: msg.text,
      receivedAt: msg.receivedAt,
      extra: msg.extra,
      ...(flooding
        ? { status: 'handled' as const, handledAt: new Date(), lastError: 'rate_limited' }
        : this.global.count('all') >= this.global.limit
          ? { silent: true }
          : {}),
    });
    if (!logged.duplicate) {
      this.metrics?.messagesIn.inc({ channel: msg.channel });
      // counted once per message, as the limits were before a message could be logged ahead of handling
      this.perSender.over(key);
      this.global.over('all');
      if (flooding)
        this.log.warn(
          { channel: msg.channel },
          'over INBOUND_PER_SENDER_PER_HOUR: message logged, not answered',
        );
      else if (logged.inbound.silent)
        this.log.warn(
          { channel: msg.channel },
          'over INBOUND_GLOBAL_PER_MINUTE: message handled, not answered',
        );
    }
    return logged;
  }

  /**
   * Handles a contact's waiting messages soon, on this instance (or leaves them to the one
   * holding the contact). Scheduling costs nothing but a map entry: a burst of webhooks
   * builds a queue of contacts, drained by a few handlers at the pace the pacer allows.
   */
  schedule(channel: Channel, address: string): void {
    const key = addressKey(channel, address);
    if (this.draining.has(key)) this.again.add(key);
    else this.pending.set(key, { channel, address });
    this.pump();
  }

  /** Starts handlers while contacts wait and fewer than `INBOX_HANDLERS` run. */
  private pump(): void {
    while (this.draining.size < INBOX_HANDLERS && this.pending.size) {
      const [key, c] = this.pending.entries().next().value as [string, { channel: Channel; address: string }];
      this.pending.delete(key);
      const run = this.drain(c.channel, c.address)
        .catch((err) => this.log.error({ err }, 'handling a contact’s messages failed; retried from the log'))
        .finally(() => {
          this.draining.delete(key);
          if (this.again.delete(key)) this.pending.set(key, c);
          this.pump();
          if (!this.draining.size && !this.pending.size) for (const done of this.idle.splice(0)) done();
        });
      this.draining.set(key, run);
    }
  }

  /** Resolves when no contact waits or is being handled here (tests, shutdown). */
  settle(): Promise<void> {
    if (!this.draining.size && !this.pending.size) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Handles one contact's `received` messages oldest first, holding the contact's lease so
   * no other instance handles them at the same time. A message that fails stops the run
   * (it is retried later, still first in line); so does a lease another instance holds.
   */
  private async drain(channel: Channel, address: string): Promise<void> {
    const lease = leaseOf(channel, address);
    await this.pacer.turn();
    if (!(await acquireLease(this.store, lease, this.owner, CONTACT_LEASE_MS))) return;
    let renewed = Date.now();
    try {
      for (;;) {
        const next = await this.store
          .collection('inbound')
          .findOne(
            { channel, address, status: 'received', attempts: { $lt: this.maxAttempts } },
            { sort: { loggedAt: 1 } },
          );
        if (!next) return;
        if ((await this.handleNow(next)) === undefined) return;
        await this.pacer.turn();
        // a long run keeps the contact: renewed when half the lease has gone
        if (Date.now() - renewed > CONTACT_LEASE_MS / 2) {
          await acquireLease(this.store, lease, this.owner, CONTACT_LEASE_MS);
          renewed = Date.now();
        }
      }
    } finally {
      await releaseLease(this.store, lease, this.owner).catch(() => undefined);
    }
  }

  /** Runs the engine on a logged message: the replies it queued, or undefined (error recorded) when it failed. */
  private async handleNow(inbound: InboundMessage): Promise<Rendered[] | undefined> {
    try {
      const { replies } = await this.engine.handle(inbound, { silent: !!inbound.silent });
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
  optOut(channel: Channel, address: string): Promise<boolean> {
    return optOut(this.store, { channel, address });
  }

  /**
   * Schedules the contacts of messages still `received` after `olderThanMs` (a crash, a
   * failure, or an instance that stopped while holding them). Returns how many messages wait.
   */
  async retryPending(olderThanMs = 30_000, now = new Date()): Promise<number> {
    const pending = await this.store.collection('inbound').find(
      {
        status: 'received',
        receivedAt: { $lte: new Date(now.getTime() - olderThanMs) },
        attempts: { $lt: this.maxAttempts },
      },
      { sort: { receivedAt: 1 }, limit: 500 },
    );
    for (const m of pending) this.schedule(m.channel, m.address);
    await this.settle();
    return pending.length;
  }

  /**
   * At start on the embedded engine (one process owns the store): contact leases left by a
   * previous run are released, and every waiting message is handled.
   */
  async resume(): Promise<number> {
    await this.store.collection('leases').deleteMany({ _id: { $regex: '^inbox:' } });
    return this.retryPending(0);
  }
}

/**
 * Writes an inbound message to the log before anything else happens. A redelivery
 * (same channel and provider id) returns the logged copy with `duplicate: true`.
 */
export async function logInbound(
  store: Store,
  msg: Pick<
    InboundMessage,
    'channel' | 'transport' | 'providerMessageId' | 'address' | 'text' | 'receivedAt' | 'extra'
  > &
    Partial<Pick<InboundMessage, 'status' | 'handledAt' | 'lastError' | 'silent'>>,
): Promise<{ inbound: InboundMessage; duplicate: boolean }> {
  const col = store.collection('inbound');
  try {
    return { inbound: await col.insertOne({ ...msg, loggedAt: nextLogTime() }), duplicate: false };
  } catch (err) {
    if (!(err instanceof DuplicateKey)) throw err;
    const inbound = await col.findOne({ channel: msg.channel, providerMessageId: msg.providerMessageId });
    if (!inbound) throw err;
    return { inbound, duplicate: true };
  }
}

let lastLogged = 0;
/** Now, to the millisecond, but always later than the last message this process logged. */
function nextLogTime(): Date {
  lastLogged = Math.max(lastLogged + 1, Date.now());
  return new Date(lastLogged);
}
