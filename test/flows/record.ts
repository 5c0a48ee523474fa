// Prints a conversation in transcript format, to help write a new transcript:
//   npx tsx test/flows/record.ts +243990000001 hi 2 "PRIX OR 255000 FC G" @25
// (`@25` moves the clock 25 hours). Read every reply before saving it as a golden file.
import { startService } from '../helpers/service';
import { SeedAnswer, SeedEntry, seedAnswers, seedDirectory, seedSeries } from '../helpers/directory';
import { SeriesInput } from '../../src/knowledge/series';

async function main() {
  const [from, ...inputs] = process.argv.slice(2);
  let now = new Date('2026-11-27T06:00:00Z').getTime();
  let lastRef = '';
  const env: Record<string, string> = process.env.ONCALL_SMS ? { ONCALL_SMS: process.env.ONCALL_SMS } : {};
  const svc = await startService(env, { clock: () => new Date(now) });
  try {
    // REFERENCE="gold 1740 USD oz" seeds a reference price published the day before
    if (process.env.REFERENCE) {
      const [mineral, amount, currency, unit] = process.env.REFERENCE.split(/\s+/);
      await svc.service.store.collection('referencePrices').insertOne({
        mineral,
        amount: Number(amount),
        currency,
        unit,
        publishedAt: new Date(now - 86_400_000),
      } as never);
    }
    // DIRECTORY='[{"kind":"event","name":"…","startsInHours":72}]' seeds the directory
    if (process.env.DIRECTORY)
      await seedDirectory(svc.service.store, JSON.parse(process.env.DIRECTORY) as SeedEntry[], new Date(now));
    // ANSWERS='[{"question":{"fr":"…"},"answer":{"fr":"…"}}]' seeds published answers
    if (process.env.ANSWERS)
      await seedAnswers(svc.service.store, JSON.parse(process.env.ANSWERS) as SeedAnswer[], new Date(now));
    // SERIES='[{"key":"SAFETY",…}]' seeds learning series
    if (process.env.SERIES)
      await seedSeries(svc.service.store, JSON.parse(process.env.SERIES) as SeriesInput[], new Date(now));
    for (const input of inputs) {
      if (input.startsWith('@')) {
        now += Number(input.slice(1)) * 3_600_000;
        console.log(`@ advance ${input.slice(1)}h`);
        continue;
      }
      now += 1000;
      const replies = await svc.say(from, input.replace('{ref}', lastRef));
      lastRef = [...replies.join(' ').matchAll(/\b[PRCQ]-[0-9A-Z]{5}\b/g)].pop()?.[0] ?? lastRef;
      console.log(`> ${input}`);
      if (!replies.length) console.log('<none>');
      replies.forEach((r, k) =>
        r.split('\n').forEach((l, j) => console.log(`${k > 0 && j === 0 ? '<+' : '<'} ${l}`)),
      );
    }
  } finally {
    await svc.stop();
  }
}
void main();
