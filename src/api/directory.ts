import { Router } from 'express';
import { NotFound } from '../domain/errors';
import { isTopic } from '../domain/topics';
import { checkEntry } from '../knowledge/answers';
import {
  EntryInput,
  attendance,
  attendees,
  createEntry,
  deleteEntry,
  findEntry,
  listEntries,
  updateEntry,
} from '../knowledge/directory';
import { DirectoryEntry, ENTRY_KINDS, EntryKind } from '../models';
import { TriageSettings } from '../reports/triage';
import { Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { directoryBody } from './bodies';
import { parseBody } from './validation';

/** An entry as the API shows it. */
export function entryView(e: DirectoryEntry) {
  return {
    id: e._id,
    kind: e.kind,
    name: e.name,
    topics: e.topics,
    regions: e.regions,
    countries: e.countries,
    phone: e.phone,
    place: e.place,
    languages: e.languages,
    summary: e.summary,
    hours: e.hours,
    startsAt: e.startsAt?.toISOString(),
    endsAt: e.endsAt?.toISOString(),
    going: e.kind === 'event' ? e.going : undefined,
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** Refuses an entry whose answer would not fit one SMS in some language (or an event without date or place). */
function fitsOneSms(s: TriageSettings, entry: DirectoryEntry): void {
  checkEntry((lang, key, vars) => s.translator.t(lang, key, vars), entry, s.defaultLanguage);
}

/** Validates, checks and adds an entry, audited: the API's `POST` and the dashboard's form. */
export async function addEntry(
  store: Store,
  s: TriageSettings,
  body: unknown,
  by: Staff,
): Promise<DirectoryEntry> {
  const input = parseBody(directoryBody, body) as EntryInput;
  const now = new Date();
  fitsOneSms(s, { ...input, _id: 'new', going: 0, createdBy: by.name, createdAt: now, updatedAt: now });
  const entry = await createEntry(store, input, by.name, now);
  await audit(store, by, 'directory.create', entry._id, { kind: entry.kind, name: entry.name });
  return entry;
}

/** Removes an entry, audited. */
export async function removeEntry(store: Store, id: string, by: Staff): Promise<void> {
  await deleteEntry(store, id);
  await audit(store, by, 'directory.delete', id, {});
}

/**
 * The directory of help (`/api/v1/directory`): staff keep it, every token reads it. An
 * entry whose answer would not fit one SMS in some language is refused with the lengths.
 */
export function directoryRouter(store: Store, s: TriageSettings): Router {
  const r = Router();
  const fits = (entry: DirectoryEntry) => fitsOneSms(s, entry);

  r.get('/', requireRole(store, 'viewer'), async (req, res) => {
    const kind = ENTRY_KINDS.includes(req.query.kind as EntryKind)
      ? (req.query.kind as EntryKind)
      : undefined;
    const topic = isTopic(req.query.topic) ? req.query.topic : undefined;
    res.json({ items: (await listEntries(store, { kind, topic })).map(entryView) });
  });

  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    res.status(201).json(entryView(await addEntry(store, s, req.body, req.staff!)));
  });

  r.get('/:id', requireRole(store, 'viewer'), async (req, res) => {
    const entry = await findEntry(store, String(req.params.id));
    if (!entry) throw new NotFound('no such directory entry');
    res.json(entryView(entry));
  });

  r.patch('/:id', requireRole(store, 'staff'), async (req, res) => {
    const before = await findEntry(store, String(req.params.id));
    if (!before) throw new NotFound('no such directory entry');
    const changes = parseBody(directoryBody.partial(), req.body) as Partial<EntryInput>;
    fits({ ...before, ...changes });
    const entry = await updateEntry(store, before._id, changes);
    await audit(store, req.staff!, 'directory.update', entry._id, { fields: Object.keys(changes) });
    res.json(entryView(entry));
  });

  r.delete('/:id', requireRole(store, 'staff'), async (req, res) => {
    await removeEntry(store, String(req.params.id), req.staff!);
    res.status(204).end();
  });

  // who is coming to an event: counts for every role; the people (by contact) for admins only
  r.get('/:id/rsvps', requireRole(store, 'viewer'), async (req, res) => {
    const entry = await findEntry(store, String(req.params.id));
    if (!entry || entry.kind !== 'event') throw new NotFound('no such event');
    const { total, byRegion, byRole, rsvps } = await attendance(store, entry._id);
    const people = req.staff!.role === 'admin' ? await attendees(store, rsvps) : undefined;
    res.json({ id: entry._id, total, byRegion, byRole, people });
  });
  return r;
}
