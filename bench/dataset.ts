import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Contact, InboundMessage, OutboundMessage } from '../src/models';
import { EmbeddedStore } from '../src/store';
import { EMBEDDED_FORMAT } from '../src/store/embedded';
import { rebuildPriceRollups } from '../src/stats/rollups';
import { NewDoc } from '../src/store/types';
import { REGIONS, priceReports, rng } from './data';

/** How big a store a benchmark starts from. */
export interface DatasetSize {
  contacts: number;
  reports: number;
  outbound: number;
  inbound: number;
}

/** `n` registered contacts in DR Congo, as registrations leave them. */
export function contactDocs(n: number, first = 0): NewDoc<Contact>[] {
  const rand = rng(7);
  const roles = ['miner', 'pit_leader', 'processor', 'trader', 'community_leader'] as const;
  const langs = ['fr', 'sw', 'en', 'es', 'pt'] as const;
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const value = `+2439${String(10_000_000 + i).padStart(8, '0')}`;
    const at = new Date(Date.UTC(2026, 0, 1) + i * 1000);
    return {
      addresses: [{ key: `sms:${value}`, channel: 'sms', value, transport: 'twilio', addedAt: at }],
      country: 'CD',
      language: langs[Math.floor(rand() * langs.length)],
      role: roles[Math.floor(rand() * roles.length)],
      region: REGIONS[Math.floor(rand() * REGIONS.length)],
      site: `Site ${Math.floor(rand() * 500)}`,
      minerals: ['gold'],
      registration: 'complete',
      firstSeenAt: at,
      lastSeenAt: at,
    };
  });
}

/** A year of the line's traffic: replies and digests sent, messages received. */
function outboundDocs(n: number, first: number): NewDoc<OutboundMessage>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const at = new Date(Date.UTC(2025, 11, 1) + i * 6000);
    return {
      channel: 'sms',
      transport: 'twilio',
      to: `+2439${String(10_000_000 + (i % 100_000)).padStart(8, '0')}`,
      contactId: `c${i % 100_000}`,
      text: 'Prix de la semaine : Or 255 000 CDF/g, mediane de 40 rapports, 30 jours.',
      status: 'delivered',
      providerId: `SM${i.toString(16).padStart(32, '0')}`,
      dedupeKey: `digest:${i}`,
      createdAt: at,
      nextAttemptAt: at,
      sentAt: at,
      deliveredAt: at,
    };
  });
}

function inboundDocs(n: number, first: number): NewDoc<InboundMessage>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const at = new Date(Date.UTC(2025, 11, 1) + i * 6000);
    return {
      channel: 'sms',
      transport: 'twilio',
      providerMessageId: `SMi${i.toString(16).padStart(31, '0')}`,
      address: `+2439${String(10_000_000 + (i % 100_000)).padStart(8, '0')}`,
      text: `PRIX OR ${250_000 + (i % 1000)} FC G`,
      status: 'handled',
      attempts: 1,
      receivedAt: at,
      handledAt: at,
    };
  });
}

const ROOT = path.join(os.tmpdir(), 'chimba-bench-data');

/**
 * A data folder holding `size`, built once through the store (validated like any write) and
 * kept under the system's temporary folder between runs (keyed by size and store format);
 * `copy` gives a fresh copy for a benchmark that writes into it.
 */
export async function dataset(
  size: DatasetSize,
  options: { copy?: boolean; log?: (s: string) => void } = {},
): Promise<{ dir: string; remove(): void }> {
  const key = `f${EMBEDDED_FORMAT}-c${size.contacts}-r${size.reports}-o${size.outbound}-i${size.inbound}`;
  const dir = path.join(ROOT, key);
  const log = options.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  if (!fs.existsSync(path.join(dir, 'complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const store = new EmbeddedStore({ dir, sync: 'normal' });
    const t = performance.now();
    const fill = async <T>(
      name: 'contacts' | 'reports' | 'outbound' | 'inbound',
      n: number,
      make: (n: number, first: number) => T[],
    ) => {
      const col = store.collection(name) as unknown as { insertMany(d: T[]): Promise<number> };
      for (let i = 0; i < n; i += 5000) {
        await col.insertMany(make(Math.min(5000, n - i), i));
        if (i % 500_000 === 0 && i) log(`  ${name}: ${i} of ${n}`);
      }
    };
    log(`building the dataset ${key} (once; kept in ${ROOT})`);
    await fill('contacts', size.contacts, contactDocs);
    const reports = priceReports(size.reports);
    await fill('reports', size.reports, (n, first) => reports.slice(first, first + n));
    await rebuildPriceRollups(store);
    await fill('outbound', size.outbound, outboundDocs);
    await fill('inbound', size.inbound, inboundDocs);
    await store.close();
    fs.writeFileSync(path.join(dir, 'complete'), `${Math.round((performance.now() - t) / 1000)} s\n`);
    log(`  built in ${Math.round((performance.now() - t) / 1000)} s`);
  }
  if (!options.copy) return { dir, remove: () => undefined };
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'chimba-bench-copy-'));
  for (const f of fs.readdirSync(dir))
    if (f.startsWith('chimba.sqlite')) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
  return { dir: copy, remove: () => fs.rmSync(copy, { recursive: true, force: true }) };
}
