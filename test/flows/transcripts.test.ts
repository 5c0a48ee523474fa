import fs from 'node:fs';
import path from 'node:path';
import { api, startService } from '../helpers/service';
import { seedAnswers, seedDirectory, seedSeries } from '../helpers/directory';
import { matches, parseTranscript } from './transcript';

const DIR = path.join(__dirname, 'transcripts');
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('flow transcripts (what a person sends, what the line answers)', () => {
  test('there are transcripts to run', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  test.each(files)('%s', async (file) => {
    const t = parseTranscript(path.join(DIR, file));
    let now = t.clock.getTime();
    let lastRef = '';
    const svc = await startService(t.env, { clock: () => new Date(now) });
    try {
      for (const r of t.references) {
        await svc.service.store
          .collection('referencePrices')
          .insertOne({ ...r, publishedAt: new Date(now - 86_400_000) } as never);
      }
      await seedDirectory(svc.service.store, t.directory, new Date(now));
      await seedAnswers(svc.service.store, t.answers, new Date(now));
      await seedSeries(svc.service.store, t.series, new Date(now));
      for (const [n, step] of t.steps.entries()) {
        if ('advanceMs' in step) {
          now += step.advanceMs;
          continue;
        }
        now += 1000;
        let replies: string[];
        if ('say' in step) {
          // `{ref}` in what the person sends is the last reference the line gave them
          replies = await svc.say(t.from, step.say.replace('{ref}', lastRef), t.channel);
        } else {
          // what a job or staff queue for the person
          const out = svc.service.store.collection('outbound');
          const toThem = () => out.find({ to: t.from }, { sort: { createdAt: 1 } });
          // (replies of a report or question conversation lose their recipient once sent: compare ids)
          const before = new Set((await toThem()).map((m) => m._id));
          if ('job' in step) await svc.service.scheduler.runNow(step.job);
          else {
            // the newest waiting question (an anonymous one keeps the hour only)
            const [q] = await svc.service.store
              .collection('questions')
              .find({ state: 'waiting' }, { sort: { waitingSince: -1 }, limit: 1 });
            const res = await api(svc, 'POST', `/api/v1/questions/${q._id}/answer`, {
              text: step.staffAnswer,
            });
            expect(res.status).toBe(200);
          }
          replies = (await toThem()).filter((m) => !before.has(m._id)).map((m) => m.text);
        }
        lastRef = [...replies.join(' ').matchAll(/\b[PRCQ]-[0-9A-Z]{5}\b/g)].pop()?.[0] ?? lastRef;
        const ok =
          replies.length === step.expect.length && step.expect.every((e, i) => matches(e, replies[i]));
        if (!ok) {
          throw new Error(
            `turn ${n + 1} "${'say' in step ? `> ${step.say}` : 'job' in step ? `@ job ${step.job}` : '@ staff answer'}"\nexpected:\n${step.expect.map((e) => `  < ${e}`).join('\n') || '  <none>'}\nactual:\n${replies.map((r) => `  < ${r}`).join('\n') || '  <none>'}`,
          );
        }
      }
    } finally {
      await svc.stop();
    }
  });
});
