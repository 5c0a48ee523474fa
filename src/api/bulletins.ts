import { Router } from 'express';
import { z } from 'zod';
import { LANGUAGES } from '../domain/language';
import { findBulletin, lastMonth, prepareBulletin, publishBulletin } from '../knowledge/bulletin';
import { TriageSettings } from '../reports/triage';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { bulletinPage } from './bulletinPage';
import { printPdf } from './pdf';
import { parseBody, strictObject } from './validation';

const prepareBody = strictObject({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'YYYY-MM')
    .optional(),
});
const noteBody = strictObject({
  note: z.partialRecord(z.enum(LANGUAGES), z.string().trim().max(1200)),
});
const lang = (q: unknown) => (q === 'fr' ? 'fr' : 'en');

/**
 * `/api/v1/bulletins`: the monthly bulletin for partners. Prepared on the 1st for the
 * month before (and on demand), reviewed as HTML or PDF, given staff's note, published:
 * then it is on the public page and community leaders get its one-SMS summary.
 */
export function bulletinsRouter(
  store: Store,
  s: TriageSettings & { minCell: number; chromium: string },
  wakeOutbox: () => void,
): Router {
  const r = Router();
  r.get('/', requireRole(store, 'viewer'), async (_req, res) => {
    const all = await store.collection('bulletins').find({}, { sort: { _id: -1 }, limit: 60 });
    res.json({
      items: all.map((b) => ({
        month: b._id,
        state: b.state,
        preparedAt: b.preparedAt,
        publishedAt: b.publishedAt,
      })),
    });
  });
  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    const { month } = parseBody(prepareBody, req.body ?? {});
    const b = await prepareBulletin(store, month ?? lastMonth(), s.minCell);
    await audit(store, req.staff!, 'bulletin.prepare', b._id, {});
    res.status(201).json(b);
  });
  r.get('/:month', requireRole(store, 'viewer'), async (req, res) => {
    res.json(await findBulletin(store, String(req.params.month)));
  });
  r.get('/:month/html', requireRole(store, 'viewer'), async (req, res) => {
    res
      .type('html')
      .send(bulletinPage(await findBulletin(store, String(req.params.month)), lang(req.query.lang)));
  });
  r.get('/:month/pdf', requireRole(store, 'viewer'), async (req, res) => {
    const b = await findBulletin(store, String(req.params.month));
    res.type('application/pdf').send(await printPdf(bulletinPage(b, lang(req.query.lang)), s.chromium));
  });
  r.patch('/:month', requireRole(store, 'staff'), async (req, res) => {
    const b = await findBulletin(store, String(req.params.month));
    const { note } = parseBody(noteBody, req.body);
    await store.collection('bulletins').updateOne({ _id: b._id }, { $set: { note: { ...b.note, ...note } } });
    await audit(store, req.staff!, 'bulletin.note', b._id, { languages: Object.keys(note) });
    res.json(await findBulletin(store, b._id));
  });
  r.post('/:month/publish', requireRole(store, 'staff'), async (req, res) => {
    const { bulletin, queued } = await publishBulletin(
      store,
      s.translator,
      s,
      String(req.params.month),
      req.staff!.name,
    );
    await audit(store, req.staff!, 'bulletin.publish', bulletin._id, { queued });
    if (queued) wakeOutbox();
    res.json({ ...bulletin, queued });
  });
  return r;
}
