import { EmbeddedStore } from '../src/store';
import { tempDir } from '../test/helpers/engines';
import { FakeTwilio } from '../test/helpers/fakeTwilio';
import { bareRoute, chimba, load } from './process';
import { BenchResult } from './types';

const CONNECTIONS = 40;

/**
 * webhook: signed Twilio SMS webhooks carrying price reports from new numbers, 40
 * connections, full durability (fsync on every commit), against a bare express route that
 * parses the same form and answers 200. Both run in a process of their own; the load comes
 * from this one. The webhook answers once the message is durably logged; its handling
 * (contact, session, report, rollups, reply) runs in the same process meanwhile and is
 * counted after the run.
 */
export async function webhookBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<BenchResult> {
  const bare = await bareRoute();
  const base = await load(bare.url, { seconds, connections: CONNECTIONS });
  await bare.stop();

  const tmp = tempDir('chimba-bench-');
  const fake = await new FakeTwilio().start();
  const svc = await chimba(tmp.dir, fake.url);
  let full;
  let duringRun: Record<string, number> = {};
  try {
    full = await load(svc.url, { seconds, connections: CONNECTIONS });
    duringRun = await counters(svc.url);
  } finally {
    await svc.stop();
    await fake.stop();
  }
  // what was stored once the service had stopped (a graceful stop finishes the handling in hand)
  const store = new EmbeddedStore({ dir: tmp.dir });
  const handled = await store.collection('inbound').countDocuments({ status: 'handled' });
  const reports = await store.collection('reports').countDocuments({});
  await store.close();
  tmp.remove();

  const ratio = full.rps / base.rps;
  const p99Ratio = full.p99 / Math.max(1, base.p99);
  return {
    bench: 'webhook',
    value: Math.round(full.rps),
    baseline: Math.round(base.rps),
    ratio: Math.round(ratio * 1000) / 1000,
    target: 'ratio >= 0.5 and p99 <= 3x baseline',
    unit: 'req/s',
    met: ratio >= 0.5 && p99Ratio <= 3,
    details: {
      connections: CONNECTIONS,
      seconds,
      p50Ms: full.p50,
      p99Ms: full.p99,
      baselineP50Ms: base.p50,
      baselineP99Ms: base.p99,
      p99Ratio: Math.round(p99Ratio * 100) / 100,
      requests: full.total,
      non2xx: full.non2xx,
      errors: full.errors,
      handledDuringRun: duringRun.handled,
      handledByStop: handled,
      reportsStored: reports,
      embeddedSync: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
    },
  };
}

/** What the service counted so far: messages logged, messages whose flow completed (handled). */
export async function counters(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  return { logged: sum('chimba_messages_in_total'), handled: sum('chimba_flow_completions_total') };
}
