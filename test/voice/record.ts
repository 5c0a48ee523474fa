import fs from 'node:fs';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { SPOKEN_REF, parseCall, playCall, serviceForCall } from './calls';

/**
 * Records what a call transcript's caller hears, for review before it is kept: the header
 * and the `>` lines of each file are kept, the `<` lines written anew.
 * `npx tsx test/voice/record.ts test/voice/calls/price.fr.txt …`
 */
async function record(file: string): Promise<void> {
  const t = parseCall(file);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const head = lines.slice(0, lines.indexOf('---') + 1);
  const out: string[] = [];
  const fake = await new FakeTwilio().start();
  const svc = await serviceForCall(t, fake);
  try {
    let i = 0;
    await playCall(svc, t, (n, action, step) => {
      while (i < n) {
        out.push('@ poll');
        i++;
      }
      i = n + 1;
      out.push(`> ${action}`, `${step.hangup ? '<!' : '<'} ${step.heard.replace(SPOKEN_REF, '{ref}')}`);
    });
  } finally {
    await svc.stop();
    await fake.stop();
  }
  fs.writeFileSync(file, `${[...head, ...out].join('\n')}\n`);
}

void (async () => {
  for (const f of process.argv.slice(2)) await record(f);
})();
