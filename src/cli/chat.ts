/**
 * `npm run chat -- --from +243990000001 [--channel sms|telegram] [--url http://127.0.0.1:3000]`
 * An interactive chat with a running Chimba through its simulator: type what a miner
 * would text, see exactly what the line texts back.
 */
import readline from 'node:readline';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const from = arg('from', '+243990000001');
  const channel = arg('channel', 'sms');
  const url = arg('url', 'http://127.0.0.1:3000').replace(/\/+$/, '');
  console.log(`Chatting with ${url} as ${from} on ${channel}. Ctrl-D to quit.`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  rl.prompt();
  for await (const line of rl) {
    if (line.trim()) {
      try {
        const res = await fetch(`${url}/simulator/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from, text: line, channel }),
        });
        const body = (await res.json()) as {
          replies?: string[];
          segments?: number[];
          error?: { message: string };
        };
        if (!res.ok) console.log(`! ${body.error?.message ?? res.status}`);
        else if (!body.replies?.length) console.log('  (no reply)');
        else
          body.replies.forEach((r, i) => {
            const cost = body.segments?.[i];
            console.log(r.replace(/^/gm, '< ') + (cost && cost > 1 ? `   [${cost} SMS]` : ''));
          });
      } catch (err) {
        console.log(`! cannot reach ${url}: ${(err as Error).message} (is the service running? npm start)`);
      }
    }
    rl.prompt();
  }
}

void main();
