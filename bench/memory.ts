import { spawn } from 'node:child_process';
import path from 'node:path';
import { Contact } from '../src/models';
import { EmbeddedStore } from '../src/store';
import { NewDoc } from '../src/store/types';
import { tempDir } from '../test/helpers/engines';
import { REGIONS, insertAll, priceReports, rng } from './data';
import { BenchResult } from './types';

const MB = 2 ** 20;

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().rss / MB);
}

function contacts(n: number): NewDoc<Contact>[] {
  const rand = rng(7);
  const roles = ['miner', 'pit_leader', 'processor', 'trader', 'community_leader'] as const;
  const langs = ['fr', 'sw', 'en', 'es', 'pt'] as const;
  return Array.from({ length: n }, (_, i) => {
    const value = `+2439${String(10_000_000 + i).padStart(8, '0')}`;
    const now = new Date(Date.UTC(2026, 0, 1) + i * 1000);
    return {
      addresses: [{ key: `sms:${value}`, channel: 'sms', value, transport: 'twilio', addedAt: now }],
      country: 'CD',
      language: langs[Math.floor(rand() * langs.length)],
      role: roles[Math.floor(rand() * roles.length)],
      region: REGIONS[Math.floor(rand() * REGIONS.length)],
      site: `Site ${Math.floor(rand() * 500)}`,
      minerals: ['gold'],
      registration: 'complete',
      firstSeenAt: now,
      lastSeenAt: now,
    };
  });
}

/** Runs in a child process, so the numbers are the store's alone; prints one JSON line. */
async function child(nContacts: number, nReports: number) {
  const tmp = tempDir('chimba-mem-');
  try {
    let store = new EmbeddedStore({ dir: tmp.dir, sync: 'normal' });
    await store.ping();
    const idle = rss();
    await insertAll(store, 'contacts', contacts(nContacts));
    await insertAll(store, 'reports', priceReports(nReports));
    const loaded = rss();
    await store.close();
    const t = performance.now();
    store = new EmbeddedStore({ dir: tmp.dir, sync: 'normal' });
    await store.ping();
    const openMs = performance.now() - t;
    const reopened = rss();
    const counted = {
      contacts: await store.collection('contacts').countDocuments({}),
      reports: await store.collection('reports').countDocuments({}),
    };
    await store.close();
    console.log(JSON.stringify({ idle, loaded, reopened, openMs: Math.round(openMs), ...counted }));
  } finally {
    tmp.remove();
  }
}

/**
 * memory: resident memory of a process holding the embedded store, empty and with
 * `BENCH_CONTACTS` (100,000) contacts and `BENCH_REPORTS` (1,000,000) reports, after
 * loading them and after a restart that reads them back from disk.
 */
export async function memoryBench(): Promise<BenchResult> {
  const nContacts = Number(process.env.BENCH_CONTACTS ?? 100_000);
  const nReports = Number(process.env.BENCH_REPORTS ?? 1_000_000);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=8192',
        '--import',
        'tsx',
        path.join(__dirname, 'memory.ts'),
        '--child',
      ],
      {
        env: { ...process.env, MEMORY_CHILD: `${nContacts},${nReports}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`memory child exited ${code}`))));
  });
  const m = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  return {
    bench: 'memory',
    value: m.reopened,
    baseline: m.idle,
    ratio: Math.round((m.reopened / m.idle) * 100) / 100,
    target: 'report both (no target)',
    unit: 'MB RSS',
    met: true,
    details: {
      contacts: m.contacts,
      reports: m.reports,
      idleMb: m.idle,
      afterLoadingMb: m.loaded,
      afterRestartMb: m.reopened,
      restartOpenMs: m.openMs,
      perReportKb: Math.round((((m.reopened - m.idle) * 1024) / (m.reports + m.contacts)) * 100) / 100,
    },
  };
}

if (process.env.MEMORY_CHILD) {
  const [c, r] = process.env.MEMORY_CHILD.split(',').map(Number);
  child(c, r).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
