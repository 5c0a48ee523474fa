import { randomUUID } from 'node:crypto';
import { ChimbaError, ContactStopped, RetryLater, Throttled, WindowClosed } from '../domain/errors';
import { Logger } from '../log';
import type { Metrics } from '../metrics';
import { OutboundMessage, PRIORITY, Transport } from '../models';
import { optOut } from '../contacts/contacts';
import { Store } from '../store/types';
import { Sender } from '../models/channel';
import { TokenBucket } from './bucket';
import { SmsRoutes, rerouteStranded } from './routes';
import { forgotten } from './status';
import { whatsappFallback } from './fallback';
import { raiseOpsAlert, resolveOpsAlerts } from './alerts';

/** How the outbox worker behaves. */
export interface OutboxSettings {
  /** Messages per second per transport (charged per segment on SMS). */
  rates: Partial<Record<Transport, number>>;
  maxAttempts: number;
  /** How long a claim holds before another worker may take the message back. */
  leaseMs?: number;
  /** How often an idle worker looks for due messages (it is also woken by `notify`). */
  pollMs?: number;
  /** Sends in flight at once per transport. */
  concurrency?: number;
  /** First retry delay; doubles per attempt, with jitter, up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Fold SMS to GSM-7 (a WhatsApp message sent by SMS instead). */
  smsFoldGsm?: boolean;
  /** Where SMS queued for a provider that is not set up (any more) go instead; left waiting without. */
  smsRoutes?: SmsRoutes;
  /** On-call numbers told by SMS when a provider needs staff (balance empty, key refused). */
  oncallSms?: readonly string[];
}

/** The share of a provider's rate the outbox uses. */
export const RATE_MARGIN = 0.98;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Delay before retry number `attempt` (1-based): exponential with ±20% jitter, capped. */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const raw = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(raw * (0.8 + random() * 0.4));
}

/**
 * The outbox worker: claims due messages atomically with a lease (a crashed worker's
 * claims return to the queue when the lease runs out), sends them under a per-transport
 * token bucket, records provider id and status, backs off retryable errors, opts out
 * contacts the provider says have stopped, and dead-letters the rest with the reason.
 */
export class OutboxWorker {
  private owner = randomUUID();
  private running = false;
  private loops: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  /** Loops of polled senders: woken only to stop. */
  private sleepers = new Set<() => void>();
  private buckets = new Map<Transport, TokenBucket>();
  private local = new Map<Transport, { queue: OutboundMessage[]; claiming?: Promise<number> }>();
  /** Recipients with a message being sent now (`channel:to`), and loops waiting for one of those sends to end. */
  private inFlight = new Set<string>();
  private sent: (() => void)[] = [];
  private rerouter?: NodeJS.Timeout;
  /** Transports with an operations alert open: their next successful send closes it. */
  private alerted = new Set<Transport>();

  constructor(
    private store: Store,
    private senders: Sender[],
    private settings: OutboxSettings,
    private log: Logger,
    private metrics?: Metrics,
  ) {
    for (const s of senders) {
      const rate = settings.rates[s.transport];
      // 2% under the limit: arrival times at the provider jitter by a few milliseconds.
      if (rate) this.buckets.set(s.transport, new TokenBucket(rate * RATE_MARGIN));
    }
  }

  /** Starts one or more send loops per transport. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.store
      .collection('opsAlerts')
      .find({ resolvedAt: { $exists: false } }, { projection: { transport: 1 } })
      .then((open) => open.forEach((a) => this.alerted.add(a.transport)))
      .catch((err) => this.log.error({ err }, 'reading open operations alerts failed'));
    const routes = this.settings.smsRoutes;
    if (routes) {
      // SMS queued for a provider not set up now go by the routes: at start, then every minute
      const here = this.senders.map((x) => x.transport);
      const sweep = () =>
        void rerouteStranded(this.store, routes, here)
          .then((moved) => {
            if (!moved) return;
            this.log.info(
              { moved },
              'SMS queued for a provider that is not set up go by SMS_TRANSPORT_BY_COUNTRY',
            );
            this.notify();
          })
          .catch((err) => this.log.error({ err }, 'rerouting stranded SMS failed'));
      sweep();
      this.rerouter = setInterval(sweep, 60_000);
      this.rerouter.unref();
    }
    for (const sender of this.senders) {
      const n = sender.concurrency ?? this.settings.concurrency ?? 16;
      for (let i = 0; i < n; i++) this.loops.push(this.loop(sender));
    }
  }

  /** Wakes idle loops now: something was queued. */
  notify(): void {
    for (const wake of this.wakers) wake();
  }

  /** Stops claiming; resolves when in-flight sends have finished. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.rerouter);
    this.notify();
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
    this.loops = [];
    await Promise.all(this.senders.map((s) => s.close?.()));
  }

  private async idle(ms: number, polled = false): Promise<void> {
    const set = polled ? this.sleepers : this.wakers;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /**
   * The next claimed message for a transport. The loops of one transport share a local
   * queue that one claim at a time refills with about a second of sending: large enough
   * for bulk, small enough that a reply queued behind it waits at most about a second.
   */
  private async next(sender: Sender): Promise<OutboundMessage | undefined> {
    const t = sender.transport;
    let local = this.local.get(t);
    if (!local) this.local.set(t, (local = { queue: [] }));
    for (;;) {
      // one message at a time per recipient: the loops send in parallel, a person's
      // messages still arrive in the order they were queued
      const i = local.queue.findIndex((m) => !this.inFlight.has(`${m.channel}:${m.to}`));
      if (i >= 0) {
        const [msg] = local.queue.splice(i, 1);
        this.inFlight.add(`${msg.channel}:${msg.to}`);
        return msg;
      }
      if (local.queue.length) {
        // all waiting messages are for people with one in flight: wait for a send to end
        await new Promise<void>((resolve) => this.sent.push(resolve));
        continue;
      }
      if (!this.running) return undefined;
      if (local.claiming) {
        await local.claiming;
        continue;
      }
      const rate = this.settings.rates[t] ?? 50;
      const batch = Math.min(1000, Math.max(1, Math.ceil(rate)));
      const l = local;
      local.claiming = this.claimBatch(t, batch)
        .then((claimed) => {
          l.queue.push(...claimed);
          return claimed.length;
        })
        .finally(() => (l.claiming = undefined));
      if (!(await local.claiming)) return undefined;
    }
  }

  private async loop(sender: Sender): Promise<void> {
    while (this.running) {
      let msg: OutboundMessage | undefined;
      try {
        msg = await this.next(sender);
        if (msg) await this.deliver(sender, msg);
      } catch (err) {
        this.log.error({ err, transport: sender.transport }, 'outbox loop error');
      } finally {
        if (msg) {
          this.inFlight.delete(`${msg.channel}:${msg.to}`);
          for (const wake of this.sent.splice(0)) wake();
        }
      }
      if (!msg && this.running) await this.idle(this.settings.pollMs ?? 250, sender.polled);
    }
    // Stopping: give back what was claimed but not sent.
    const local = this.local.get(sender.transport);
    while (local?.queue.length) await this.release(local.queue.shift()!).catch(() => undefined);
  }

  /**
   * Claims up to `n` due messages for a transport, most urgent first, under a fresh lease
   * token: pick candidates, take those still free in one update (read back only when
   * another instance took some meanwhile).
   * Messages whose lease ran out (a crashed worker's) are taken back too.
   */
  async claimBatch(transport: Transport, n: number, now = new Date()): Promise<OutboundMessage[]> {
    const out = this.store.collection('outbound');
    // the sort is the index's own order: the first `n` entries and no more, however long the
    // queue (a tie-break on another field would sort every message queued at that moment,
    // 100,000 of them after a broadcast, on every claim)
    const due = await out.find(
      { status: 'queued', transport, nextAttemptAt: { $lte: now } },
      { sort: { priority: 1, nextAttemptAt: 1 }, limit: n },
    );
    const stale =
      due.length < n
        ? await out.find(
            { status: 'sending', transport, leaseUntil: { $lt: now } },
            { limit: n - due.length },
          )
        : [];
    const candidates = [...due, ...stale];
    if (!candidates.length) return [];
    const token = `${this.owner}:${randomUUID()}`;
    const lease = {
      status: 'sending' as const,
      leaseOwner: token,
      leaseUntil: new Date(now.getTime() + (this.settings.leaseMs ?? 60_000)),
    };
    const taken = await out.updateMany(
      {
        _id: { $in: candidates.map((d) => d._id) },
        transport,
        $or: [{ status: 'queued' }, { status: 'sending', leaseUntil: { $lt: now } }],
      },
      { $set: lease },
    );
    // all of them ours (the usual case): they are what was read, under our lease; otherwise
    // another instance took some in between, and what is ours is read back
    if (taken.modified === candidates.length) return candidates.map((d) => ({ ...d, ...lease }));
    return out.find({ leaseOwner: token }, { sort: { priority: 1, nextAttemptAt: 1, createdAt: 1 } });
  }

  /** Claims the most urgent due message for a transport, or null. */
  async claim(transport: Transport, now = new Date()): Promise<OutboundMessage | null> {
    const [msg] = await this.claimBatch(transport, 1, now);
    return msg ?? null;
  }

  /** Gives a claimed message back to the queue (at shutdown). */
  private async release(msg: OutboundMessage): Promise<void> {
    await this.store
      .collection('outbound')
      .updateOne(
        { _id: msg._id, leaseOwner: msg.leaseOwner, status: 'sending' },
        { $set: { status: 'queued' }, $unset: { leaseOwner: '', leaseUntil: '' } },
      );
  }

  /**
   * Gives back every claim: for a store only this process can open (the embedded engine
   * locks its folder), a claim found at start belongs to a process that died, so there is
   * no reason to wait for its lease. A message the provider accepted just before the crash
   * but whose answer was never recorded is sent again: at most one claim batch per transport.
   */
  async recoverOrphans(): Promise<number> {
    const r = await this.store
      .collection('outbound')
      .updateMany(
        { status: 'sending' },
        { $set: { status: 'queued' }, $unset: { leaseOwner: '', leaseUntil: '' } },
      );
    return r.modified;
  }

  /** Claims and sends one message; false when nothing was due. */
  async sendOne(sender: Sender): Promise<boolean> {
    const msg = await this.claim(sender.transport);
    if (!msg) return false;
    await this.deliver(sender, msg);
    return true;
  }

  /** Sends one claimed message and records what happened. */
  private async deliver(sender: Sender, msg: OutboundMessage): Promise<void> {
    const out = this.store.collection('outbound');
    const mine = { _id: msg._id, leaseOwner: msg.leaseOwner, status: 'sending' };
    if (msg.priority === PRIORITY.bulk && msg.contactId && (await this.optedOut(msg.contactId))) {
      // Someone who said STOP (or blocked the bot) since this was queued gets no bulk message.
      await out.updateOne(mine, {
        $set: { status: 'dead', errorCode: 'opted_out', errorReason: 'the contact opted out' },
        $unset: { leaseOwner: '', leaseUntil: '' },
      });
      this.metrics?.messagesOut.inc({ transport: sender.transport, outcome: 'opted_out' });
      return;
    }
    const bucket = this.buckets.get(sender.transport);
    const wait = bucket ? bucket.reserve(Math.max(1, msg.segments)) : 0;
    if (wait > 0) await sleep(wait);
    const timer = this.metrics?.sendSeconds.startTimer({ transport: sender.transport });
    try {
      const result = await sender.send(msg).finally(() => timer?.());
      this.metrics?.messagesOut.inc({ transport: sender.transport, outcome: 'sent' });
      await out.updateOne(mine, {
        $set: {
          status: result.status,
          providerId: result.providerId,
          sentAt: new Date(),
          ...(result.cost ? { costAmount: result.cost.amount, costCurrency: result.cost.currency } : {}),
          ...(msg.redactAfterSend ? forgotten(msg) : {}),
        },
        $inc: { attempts: 1 },
        $unset: { leaseOwner: '', leaseUntil: '', ...(msg.redactAfterSend ? { contactId: '' } : {}) },
      });
      if (this.alerted.delete(sender.transport)) await this.resolved(sender.transport);
    } catch (err) {
      await this.failed(msg, err, bucket);
    }
  }

  private async optedOut(contactId: string): Promise<boolean> {
    const c = await this.store
      .collection('contacts')
      .findOne({ _id: contactId }, { projection: { optedOut: 1 } });
    return !!c?.optedOut;
  }

  /** A provider needs staff: the alert is opened or counted, and on-call staff told. */
  private async alert(transport: Transport, err: ChimbaError): Promise<void> {
    this.alerted.add(transport);
    const alert = err.staffAlert!;
    this.log.error({ transport, code: alert.code }, `staff must act: ${alert.text}`);
    try {
      const told = await raiseOpsAlert(
        this.store,
        {
          oncallSms: this.settings.oncallSms,
          smsRoutes: this.settings.smsRoutes,
          available: this.senders.map((x) => x.transport),
          foldGsm: this.settings.smsFoldGsm ?? true,
        },
        { transport, ...alert },
      );
      if (told) this.notify();
    } catch (e) {
      this.log.error({ err: e }, 'recording an operations alert failed');
    }
  }

  private async resolved(transport: Transport): Promise<void> {
    try {
      if (await resolveOpsAlerts(this.store, transport))
        this.log.info({ transport }, 'sending again: operations alert resolved');
    } catch (err) {
      this.alerted.add(transport);
      this.log.error({ err }, 'resolving an operations alert failed');
    }
  }

  private async failed(msg: OutboundMessage, err: unknown, bucket?: TokenBucket): Promise<void> {
    const out = this.store.collection('outbound');
    const mine = { _id: msg._id, leaseOwner: msg.leaseOwner, status: 'sending' };
    const attempts = msg.attempts + 1;
    const typed = err instanceof ChimbaError ? err : undefined;
    // An error we did not classify is treated as transient, still bounded by maxAttempts.
    const retryable = typed ? typed.retryable : true;
    const code = typed?.code ?? 'unexpected';
    const reason = (err as Error)?.message ?? String(err);

    if (err instanceof ContactStopped) {
      await optOut(this.store, { channel: msg.channel, address: msg.to });
    }
    if (err instanceof WindowClosed) {
      const went = await whatsappFallback(this.store, msg, err.message, {
        foldGsm: this.settings.smsFoldGsm ?? true,
      });
      this.metrics?.messagesOut.inc({
        transport: msg.transport,
        outcome: went === 'sms' ? 'to_sms' : 'waiting',
      });
      if (went === 'sms') this.notify();
      return;
    }
    if (err instanceof Throttled && bucket) bucket.pause(err.retryAfterMs ?? 1000);
    if (typed?.staffAlert) await this.alert(msg.transport, typed);

    if (retryable && attempts < this.settings.maxAttempts) {
      const base = this.settings.baseBackoffMs ?? 2_000;
      let delay = backoffMs(attempts, base, this.settings.maxBackoffMs ?? 15 * 60_000);
      if ((err instanceof Throttled || err instanceof RetryLater) && err.retryAfterMs)
        delay = Math.max(delay, err.retryAfterMs);
      await out.updateOne(mine, {
        $set: {
          status: 'queued',
          nextAttemptAt: new Date(Date.now() + delay),
          errorCode: code,
          errorReason: reason,
        },
        $inc: { attempts: 1 },
        $unset: { leaseOwner: '', leaseUntil: '' },
      });
      this.metrics?.messagesOut.inc({ transport: msg.transport, outcome: 'retry' });
      this.log.warn({ outboundId: msg._id, attempts, delay, code }, 'send failed, will retry');
      return;
    }
    await out.updateOne(mine, {
      $set: {
        status: 'dead',
        errorCode: code,
        errorReason: reason,
        ...(msg.redactAfterSend ? forgotten(msg) : {}),
      },
      $inc: { attempts: 1 },
      $unset: { leaseOwner: '', leaseUntil: '', ...(msg.redactAfterSend ? { contactId: '' } : {}) },
    });
    this.metrics?.messagesOut.inc({ transport: msg.transport, outcome: 'dead' });
    this.log.warn({ outboundId: msg._id, attempts, code }, 'send failed for good: dead letter');
  }
}
