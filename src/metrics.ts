import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TRANSPORTS } from './models';
import { Store } from './store/types';

/**
 * What `/metrics` serves, in Prometheus format: messages in and out per channel and
 * status, outbox depth, send and webhook latency, flow completions, and the process's own
 * numbers. One registry per service, so tests can run several services in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: 'chimba_messages_in_total',
    help: 'Inbound messages logged, by channel (redeliveries not counted)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'chimba_messages_out_total',
    help: 'Send attempts by transport and outcome (sent, retry, dead, opted_out)',
    labelNames: ['transport', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly sendSeconds = new Histogram({
    name: 'chimba_send_seconds',
    help: 'Time a provider took to accept or refuse a message',
    labelNames: ['transport'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });
  readonly webhookSeconds = new Histogram({
    name: 'chimba_webhook_seconds',
    help: 'Time to answer a provider webhook, by route and status',
    labelNames: ['route', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });
  readonly flowCompletions = new Counter({
    name: 'chimba_flow_completions_total',
    help: 'Conversations that reached the end of a flow, by flow',
    labelNames: ['flow'] as const,
    registers: [this.registry],
  });
  readonly spooled = new Counter({
    name: 'chimba_inbound_spooled_total',
    help: 'Inbound messages written to the disk spool because the store could not take them',
    registers: [this.registry],
  });

  constructor(store?: Store, options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'chimba_' });
    if (!store) return;
    // read at scrape time, from the store: true for every instance sharing it
    const byTransport = (name: string, help: string, status: unknown) =>
      new Gauge({
        name,
        help,
        labelNames: ['transport'] as const,
        registers: [this.registry],
        async collect() {
          const rows = await store
            .collection('outbound')
            .aggregate<{ _id: string; n: number }>([
              { $match: { status } },
              { $group: { _id: '$transport', n: { $sum: 1 } } },
            ]);
          for (const t of TRANSPORTS) this.set({ transport: t }, rows.find((r) => r._id === t)?.n ?? 0);
        },
      });
    byTransport('chimba_outbox_depth', 'Messages waiting to be sent (queued or being sent), by transport', {
      $in: ['queued', 'sending'],
    });
    byTransport(
      'chimba_dead_letters',
      'Messages given up on (dead letters) still in the outbox, by transport',
      'dead',
    );
  }
}
