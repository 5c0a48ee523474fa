import { pseudonym } from '../domain/privacy';
import { Report } from '../models';

/**
 * What an export of reports holds, for the people who make policy: no notes, no phone
 * numbers, the reporter as a keyed pseudonym (none for anonymous reports).
 */

/** The columns of an export, in order. */
export const EXPORT_COLUMNS = [
  'reference',
  'kind',
  'createdAt',
  'state',
  'reporter',
  'anonymous',
  'channel',
  'language',
  'country',
  'region',
  'site',
  'place',
  'mineral',
  'amount',
  'currency',
  'unit',
  'purity',
  'placeOfSale',
  'category',
  'description',
  'incidentType',
  'injured',
  'dead',
  'occurred',
  'urgent',
] as const;

/** One exported row: the reporter is a keyed pseudonym, none for anonymous reports; no notes. */
export function exportRow(r: Report, secret: string): Record<(typeof EXPORT_COLUMNS)[number], unknown> {
  return {
    reference: r.reference,
    kind: r.kind,
    createdAt: r.createdAt.toISOString(),
    state: r.state,
    reporter: !r.anonymous && r.contactId ? pseudonym(secret, r.contactId) : null,
    anonymous: r.anonymous,
    channel: r.channel,
    language: r.language ?? null,
    country: r.country ?? null,
    region: r.region ?? null,
    site: r.site ?? null,
    place: r.place ?? null,
    mineral: r.mineral ?? null,
    amount: r.amount ?? null,
    currency: r.currency ?? null,
    unit: r.unit ?? null,
    purity: r.purity ?? null,
    placeOfSale: r.placeOfSale ?? null,
    category: r.category ?? null,
    description: r.description ?? null,
    incidentType: r.incidentType ?? null,
    injured: r.injured ?? null,
    dead: r.dead ?? null,
    occurred: r.occurred ?? null,
    urgent: r.urgent,
  };
}

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR at the start) gets a leading apostrophe: reports are typed by the public.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
