import fs from 'node:fs';
import { SeedAnswer, SeedEntry } from '../helpers/directory';
import { SeriesInput } from '../../src/knowledge/series';

/**
 * One turn of a transcript: what the person sends and the replies expected; or something
 * that happens without them (a scheduled job runs, staff answer their question) and the
 * messages it queues for them; or a clock move.
 */
export type TranscriptStep =
  | { say: string; expect: string[] }
  | { job: string; expect: string[] }
  | { staffAnswer: string; expect: string[] }
  | { advanceMs: number };

/** A parsed transcript file. */
export interface Transcript {
  description: string;
  from: string;
  channel: 'sms' | 'telegram';
  clock: Date;
  env: Record<string, string>;
  /** Reference prices staff published before the conversation: `gold 1740 USD oz`. */
  references: { mineral: string; amount: number; currency: string; unit: string }[];
  /** Directory entries staff made before the conversation (`directory: {json}`). */
  directory: SeedEntry[];
  /** Answers staff published before the conversation (`answer: {json}`). */
  answers: SeedAnswer[];
  /** Learning series staff wrote (`series: {json}`). */
  series: SeriesInput[];
  steps: TranscriptStep[];
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads a transcript: header lines (`from:`, `channel:`, `clock:`, `env.NAME:`), `---`,
 * then turns. `> text` is what the person sends; `< text` lines that follow form one
 * reply (joined by newlines); `<+ text` starts another reply; `<none>` expects no reply;
 * `@ advance 25h` moves the clock; `@ job lessons` runs a scheduled job and `@ staff answer
 * text` answers the person's waiting question through the API, each followed by the `<`
 * messages they queue for the person. `directory: {json}` is an entry staff made (`startsInHours`
 * for an event). `answer: {json}` is an answer staff published,
 * `series: {json}` a learning series. `{ref}` stands for any report reference number.
 */
export function parseTranscript(file: string): Transcript {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const t: Transcript = {
    description: '',
    from: '',
    channel: 'sms',
    clock: new Date('2026-11-27T06:00:00Z'),
    env: {},
    references: [],
    directory: [],
    answers: [],
    series: [],
    steps: [],
  };
  let i = 0;
  for (; i < lines.length && lines[i].trim() !== '---'; i++) {
    const line = lines[i];
    if (line.startsWith('#')) t.description += line.slice(1).trim() + ' ';
    const m = /^([\w.]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'from') t.from = m[2];
    else if (m[1] === 'channel') t.channel = m[2] as 'sms' | 'telegram';
    else if (m[1] === 'clock') t.clock = new Date(m[2]);
    else if (m[1].startsWith('env.')) t.env[m[1].slice(4)] = m[2];
    else if (m[1] === 'directory') t.directory.push(JSON.parse(m[2]) as SeedEntry);
    else if (m[1] === 'answer') t.answers.push(JSON.parse(m[2]) as SeedAnswer);
    else if (m[1] === 'series') t.series.push(JSON.parse(m[2]) as SeriesInput);
    else if (m[1] === 'reference') {
      const [mineral, amount, currency, unit] = m[2].split(/\s+/);
      t.references.push({ mineral, amount: Number(amount), currency, unit });
    }
  }
  let current: Exclude<TranscriptStep, { advanceMs: number }> | undefined;
  for (i++; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('> ')) {
      current = { say: line.slice(2), expect: [] };
      t.steps.push(current);
    } else if (line.startsWith('<none>')) {
      if (!current) throw new Error(`${file}:${i + 1}: reply before any message`);
    } else if (line.startsWith('<+ ') || line.startsWith('< ') || line === '<') {
      if (!current) throw new Error(`${file}:${i + 1}: reply before any message`);
      const text = line.startsWith('<+ ') ? line.slice(3) : line.slice(2);
      if (line.startsWith('<+ ') || current.expect.length === 0) current.expect.push(text);
      else current.expect[current.expect.length - 1] += '\n' + text;
    } else if (line.startsWith('@ job ')) {
      current = { job: line.slice(6).trim(), expect: [] };
      t.steps.push(current);
    } else if (line.startsWith('@ staff answer ')) {
      current = { staffAnswer: line.slice(15).trim(), expect: [] };
      t.steps.push(current);
    } else if (line.startsWith('@ advance ')) {
      const m = /^@ advance (\d+)([smhd])$/.exec(line.trim());
      if (!m) throw new Error(`${file}:${i + 1}: bad advance`);
      t.steps.push({ advanceMs: Number(m[1]) * UNITS[m[2]] });
      current = undefined;
    } else if (line.trim() && !line.startsWith('#')) {
      throw new Error(`${file}:${i + 1}: cannot read "${line}"`);
    }
  }
  return t;
}

/** Whether a reply matches an expected line, with `{ref}` standing for a reference number. */
export function matches(expected: string, actual: string): boolean {
  const pattern = expected
    .split('{ref}')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[PRCQ]-[0-9A-Z]{5}');
  return new RegExp(`^${pattern}$`).test(actual);
}
