/**
 * `npm run bench` runs every benchmark, `npm run bench -- <name>` one. Each prints one
 * JSON line; the run is written to bench/RESULTS.md with the machine and Node version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { broadcastBench } from './broadcast';
import { memoryBench } from './memory';
import { pricesBench } from './prices';
import { readsBench } from './reads';
import { sustainedBench } from './sustained';
import { rateBench } from './rate';
import { smsCostBench } from './sms-cost';
import { BenchResult } from './types';
import { webhookBench } from './webhook';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'sms-cost': smsCostBench,
  webhook: webhookBench,
  sustained: sustainedBench,
  reads: readsBench,
  broadcast: broadcastBench,
  rate: rateBench,
  prices: pricesBench,
  memory: memoryBench,
};

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !BENCHES[w]);
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const results: BenchResult[] = [];
  for (const name of names) {
    const r = await BENCHES[name]();
    console.log(JSON.stringify(r));
    results.push(r);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  // The latest result of each benchmark is kept, so running one does not erase the others.
  const file = path.join(__dirname, 'results.json');
  const kept: Record<string, BenchResult & { at: string; machine: string }> = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : {};
  const at = new Date().toISOString();
  for (const r of results) kept[r.bench] = { ...r, at, machine };
  fs.writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`);
  const all = Object.keys(BENCHES)
    .filter((n) => kept[n])
    .map((n) => kept[n]);
  const lines = [
    '# Benchmark results',
    '',
    'The latest run of each benchmark, with when and where it ran. Each ratio is against a baseline measured in the same run on the same machine. Targets are goals, not test assertions.',
    '',
    '| bench | value | baseline | ratio | target | met | unit | run |',
    '|---|---|---|---|---|---|---|---|',
    ...all.map(
      (r) =>
        `| ${r.bench} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met ? 'yes' : 'no'} | ${r.unit} | ${r.at.slice(0, 16)}Z |`,
    ),
    '',
    `Machines: ${[...new Set(all.map((r) => r.machine))].join('; ')}.`,
    '',
    '## Details',
    '',
    ...all.flatMap((r) => [`### ${r.bench}`, '', '```json', JSON.stringify(r.details, null, 2), '```', '']),
  ];
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), lines.join('\n'));
}

void main().then(() => process.exit(0));
