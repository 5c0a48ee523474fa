/**
 * `npm run chat -- --from +243990000001 [--channel sms|telegram|ussd] [--voice] [--url http://127.0.0.1:3000]`
 * An interactive chat with a running Chimba through its simulator: type what a miner
 * would text, see exactly what the line texts back. With `--channel ussd`, the session is
 * dialled at once; each line is one input (as typed on the keypad), the screen comes back,
 * and after an `END` screen an empty line dials again. With `--voice`, a phone call: each
 * line is the keys pressed (`1`, `250000#`, `*`), an empty line is silence, `rec` leaves a
 * spoken description where one is asked; the words heard come back, and after the line
 * hangs up an empty line calls again.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

type VoiceAnswer = {
  text?: string;
  play?: string[];
  gather?: unknown;
  record?: unknown;
  hangup?: boolean;
  error?: { message: string };
};

/** `--voice`: a call through `/simulator/voice`. */
async function call(url: string, from: string, lines: AsyncIterableIterator<string>, prompt: () => void) {
  const press = async (body: Record<string, unknown>): Promise<VoiceAnswer | undefined> => {
    try {
      const res = await fetch(`${url}/simulator/voice`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, ...body }),
      });
      const a = (await res.json()) as VoiceAnswer;
      if (!res.ok) console.log(`! ${a.error?.message ?? res.status}`);
      return res.ok ? a : undefined;
    } catch (err) {
      console.log(`! cannot reach ${url}: ${(err as Error).message} (is the service running? npm start)`);
      return undefined;
    }
  };
  let state: 'keys' | 'record' | 'ended' = 'ended';
  const show = (a: VoiceAnswer | undefined) => {
    if (!a) return;
    const clips = a.play?.length ? `   [${a.play.length} recorded clips]` : '';
    console.log(`((( ${a.text ?? ''}${clips}`);
    state = a.hangup ? 'ended' : a.record ? 'record' : 'keys';
    if (state === 'ended') console.log('  (the line hung up: press Enter to call again)');
    if (state === 'record') console.log('  (recording: type rec to speak, Enter to stay silent)');
  };
  show(await press({}));
  prompt();
  for await (const line of lines) {
    const keys = line.trim();
    if (state === 'ended') show(await press({}));
    else if (state === 'record') show(await press({ recording: keys === 'rec' }));
    else show(await press({ digits: keys }));
    prompt();
  }
}

type Answer = {
  replies?: string[];
  segments?: number[];
  screen?: string;
  end?: boolean;
  error?: { message: string };
};

async function main(): Promise<void> {
  const from = arg('from', '+243990000001');
  const channel = arg('channel', 'sms');
  const url = arg('url', 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const post = async (body: Record<string, unknown>): Promise<Answer | undefined> => {
    try {
      const res = await fetch(`${url}/simulator/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, channel, ...body }),
      });
      const answer = (await res.json()) as Answer;
      if (res.ok) return answer;
      console.log(`! ${answer.error?.message ?? res.status}`);
    } catch (err) {
      console.log(`! cannot reach ${url}: ${(err as Error).message} (is the service running? npm start)`);
    }
    return undefined;
  };

  // USSD: one session at a time, its inputs joined with `*` as the network sends them
  let session = { id: randomUUID(), inputs: [] as string[], ended: false };
  const dial = async (input?: string) => {
    if (session.ended) session = { id: randomUUID(), inputs: [], ended: false };
    if (input !== undefined) session.inputs.push(input);
    const a = await post({ sessionId: session.id, text: session.inputs.join('*') });
    if (!a) return;
    console.log(`${a.end ? 'END' : 'CON'}\n${(a.screen ?? '').replace(/^/gm, '| ')}`);
    if (a.end) {
      session.ended = true;
      console.log('  (session ended: press Enter to dial again)');
    }
  };

  const on = process.argv.includes('--voice') ? 'a phone call' : channel;
  console.log(`Chatting with ${url} as ${from} on ${on}. Ctrl-D to quit.`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  const lines = rl[Symbol.asyncIterator](); // listening before the first await: piped lines are kept
  if (process.argv.includes('--voice')) return call(url, from, lines, () => rl.prompt());
  if (channel === 'ussd') await dial();
  rl.prompt();
  for await (const line of lines) {
    const text = line.trim();
    if (channel === 'ussd') {
      await dial(session.ended || !text ? undefined : text);
    } else if (text) {
      const body = await post({ text });
      if (body && !body.replies?.length) console.log('  (no reply)');
      body?.replies?.forEach((r, i) => {
        const cost = body.segments?.[i];
        console.log(r.replace(/^/gm, '< ') + (cost && cost > 1 ? `   [${cost} SMS]` : ''));
      });
    }
    rl.prompt();
  }
}

void main();
