import fs from 'node:fs';
import { keypadDigits } from '../../src/domain/keypad';
import { TEST_TWILIO, TestService, api, startService } from '../helpers/service';
import { HeardStep, TestCall } from '../helpers/voiceCall';
import { waitUntil } from '../helpers/wait';

/**
 * A phone call as a transcript: header lines (`from:`, `env.NAME:`, `reference: gold 1740 USD oz`),
 * `---`, then what the caller does and what they hear. `> dial` connects; `> 1`, `> 250000#`
 * press keys; `> silence` waits; `> record` speaks after the beep; `> {ref}#` types the
 * last report's reference on the keypad. The `<` line after each is everything heard, in
 * one line (`{ref}` stands for a reference read sign by sign); `<!` when the line then hangs up.
 * `@ poll` sends everyone a poll (question and options in every language) before the next step.
 */
export interface CallTranscript {
  description: string;
  from: string;
  env: Record<string, string>;
  references: { mineral: string; amount: number; currency: string; unit: string }[];
  steps: ({ action: string; heard: string; hangup: boolean } | { poll: true })[];
}

export function parseCall(file: string): CallTranscript {
  const t: CallTranscript = { description: '', from: '', env: {}, references: [], steps: [] };
  let body = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!body) {
      if (line.startsWith('# ')) t.description = line.slice(2);
      else if (line === '---') body = true;
      else {
        const m = /^([\w.]+):\s*(.*)$/.exec(line);
        if (!m) throw new Error(`${file}: bad header ${line}`);
        if (m[1] === 'from') t.from = m[2];
        else if (m[1].startsWith('env.')) t.env[m[1].slice(4)] = m[2];
        else if (m[1] === 'reference') {
          const [mineral, amount, currency, unit] = m[2].split(/\s+/);
          t.references.push({ mineral, amount: Number(amount), currency, unit });
        } else throw new Error(`${file}: unknown header ${m[1]}`);
      }
      continue;
    }
    if (line.startsWith('> ')) t.steps.push({ action: line.slice(2), heard: '', hangup: false });
    else if (line === '@ poll') t.steps.push({ poll: true });
    else if (line.startsWith('<! ') || line.startsWith('< ')) {
      const last = t.steps[t.steps.length - 1];
      if (!last || 'poll' in last) throw new Error(`${file}: heard text before any action`);
      last.heard = line.replace(/^<!? /, '');
      last.hangup = line.startsWith('<!');
    } else throw new Error(`${file}: cannot read ${line}`);
  }
  return t;
}

/** Whether what was heard matches the expected line (`{ref}` is any reference read sign by sign). */
export function heardMatches(expected: string, actual: string): boolean {
  const parts = expected.split('{ref}').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[A-Z](?: [^ .:,]+){5}')}$`).test(actual);
}

/** A poll to everyone, in every language. */
export const POLL = {
  question: {
    en: 'Should the cooperative buy a water pump?',
    fr: 'La coopérative doit-elle acheter une pompe à eau ?',
    sw: 'Je, chama kinunue pampu ya maji?',
    es: '¿Debe la cooperativa comprar una bomba de agua?',
    pt: 'A cooperativa deve comprar uma bomba de água?',
  },
  options: [
    { en: 'Yes', fr: 'Oui', sw: 'Ndiyo', es: 'Sí', pt: 'Sim' },
    { en: 'No', fr: 'Non', sw: 'Hapana', es: 'No', pt: 'Não' },
  ],
};

/** Runs one step of a call transcript; returns what was heard. */
export async function runCallStep(svc: TestService, call: TestCall, action: string): Promise<HeardStep> {
  if (action === 'dial') return call.dial();
  if (action === 'silence') return call.silence();
  if (action === 'record') return call.record();
  if (action.includes('{ref}')) {
    const [last] = await svc.service.store
      .collection('reports')
      .find({}, { sort: { createdAt: -1 }, limit: 1 });
    return call.press(action.replace('{ref}', keypadDigits(last.reference)));
  }
  return call.press(action);
}

/** `@ poll`: a poll sent to everyone, once it reached the caller. */
export async function sendPoll(svc: TestService, from: string): Promise<void> {
  const res = await api(svc, 'POST', '/api/v1/polls', {
    ...POLL,
    closesAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  if (res.status !== 201) throw new Error(`poll: ${res.status} ${JSON.stringify(res.body)}`);
  await waitUntil(
    async () => (await svc.service.store.collection('outbound').countDocuments({ to: from })) > 0,
  );
}

/** A service for one call transcript: Twilio (a fake API on loopback), its settings, its reference prices. */
export async function serviceForCall(t: CallTranscript, fake: { url: string }): Promise<TestService> {
  const svc = await startService({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url, LOG_LEVEL: 'warn', ...t.env });
  for (const r of t.references) {
    await svc.service.store
      .collection('referencePrices')
      .insertOne({ ...r, publishedAt: new Date(Date.now() - 86_400_000) } as never);
  }
  return svc;
}

/** Plays a transcript's actions on a service; `onStep` sees what each action made the caller hear. */
export async function playCall(
  svc: TestService,
  t: CallTranscript,
  onStep: (n: number, action: string, step: HeardStep) => void | Promise<void>,
): Promise<void> {
  const call = new TestCall(svc.url, t.from);
  for (const [n, s] of t.steps.entries()) {
    if ('poll' in s) await sendPoll(svc, t.from);
    else await onStep(n, s.action, await runCallStep(svc, call, s.action));
  }
}

/** A reference read sign by sign (`P six M Y J sept`), written `{ref}` in a transcript. */
export const SPOKEN_REF = /\b[PRCQ](?: [^ .:,]+){5}(?=[ .:,]|$)/g;
