import { tempDir } from '../test/helpers/engines';
import { FakeTwilio } from '../test/helpers/fakeTwilio';
import { dataset } from './dataset';
import { chimba, load, rssOf } from './process';
import { BenchResult } from './types';

/** Starts the service on a data folder: how long until `/readyz` answers 200, and its memory then and after work. */
async function startAndMeasure(dir: string) {
  const fake = await new FakeTwilio().start();
  const t = performance.now();
  const svc = await chimba(dir, fake.url);
  let readyMs = 0;
  for (;;) {
    const ok = await fetch(`${svc.url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) {
      readyMs = Math.round(performance.now() - t);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const atReady = rssOf(svc.pid);
  // work on what is stored: webhooks (new reports, contacts found among 100,000), the
  // dashboard's counts and lists, the statistics
  await load(svc.url, { seconds: 10, connections: 20, rate: 300, from: 90_000_000 });
  for (const path of [
    '/api/v1/stats/prices?mineral=gold',
    '/api/v1/reports?limit=200',
    '/api/v1/stats/deliveries',
  ])
    await fetch(svc.url + path, { headers: { authorization: 'Bearer admin-token-for-tests-0123456789' } });
  await new Promise((r) => setTimeout(r, 2000));
  const afterWork = rssOf(svc.pid);
  await svc.stop();
  await fake.stop();
  return { readyMs, atReady, afterWork };
}

/**
 * memory: resident memory of the service holding `BENCH_CONTACTS` (100,000) contacts,
 * `BENCH_REPORTS` (1,000,000) price reports, 5,000,000 outgoing and 5,000,000 inbound
 * messages, at ready and after ten seconds of webhooks and some staff reads, against the
 * same service on an empty store; and how long it takes from start to ready. The store is
 * built once and kept between runs (see bench/dataset.ts).
 */
export async function memoryBench(): Promise<BenchResult> {
  const size = {
    contacts: Number(process.env.BENCH_CONTACTS ?? 100_000),
    reports: Number(process.env.BENCH_REPORTS ?? 1_000_000),
    outbound: Number(process.env.BENCH_MESSAGES ?? 5_000_000),
    inbound: Number(process.env.BENCH_MESSAGES ?? 5_000_000),
  };
  const empty = tempDir('chimba-bench-');
  const onEmpty = await startAndMeasure(empty.dir).finally(() => empty.remove());
  const full = await dataset(size, { copy: false });
  const onFull = await startAndMeasure(full.dir);
  const documents = size.contacts + size.reports + size.outbound + size.inbound;
  return {
    bench: 'memory',
    value: onFull.afterWork,
    baseline: onEmpty.afterWork,
    ratio: Math.round((onFull.afterWork / onEmpty.afterWork) * 100) / 100,
    target: '<= 400 MB with the full store, not growing with stored documents; ready <= 3 s',
    unit: 'MB RSS after work',
    met: onFull.afterWork <= 400 && onFull.readyMs <= 3000,
    details: {
      documents,
      ...size,
      emptyStore: onEmpty,
      fullStore: onFull,
      bytesPerStoredDocument: Math.round(((onFull.afterWork - onEmpty.afterWork) * 2 ** 20) / documents),
    },
  };
}
