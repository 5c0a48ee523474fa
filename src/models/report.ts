import { LANGUAGES } from '../domain/language';
import { INCIDENT_TYPES, ISSUE_CATEGORIES, IncidentType, IssueCategory } from '../domain/reports';
import { MINERALS, Mineral, UNITS, Unit } from '../domain/minerals';
import { SOURCES, Source, makeSchema } from './common';
import type { MediaRef } from './inbound';

/** Kinds of report a miner can send. */
export const REPORT_KINDS = ['price', 'issue', 'incident'] as const;
/** A kind of report. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/** States staff move a report through. */
export const REPORT_STATES = ['new', 'seen', 'in_progress', 'closed'] as const;

/**
 * A report: a price at the pit, an issue or a safety incident. An anonymous report
 * has no `contactId` and no `sourceKey`: nothing in it leads back to the sender. A
 * confidential one keeps the link, but no staff role below admin sees who sent it.
 */
export interface Report {
  _id: string;
  kind: ReportKind;
  reference: string;
  anonymous: boolean;
  confidential: boolean;
  contactId?: string;
  /** Idempotency key of the message that produced it (non-anonymous reports only). */
  sourceKey?: string;
  channel: Source;
  language?: string;
  state: (typeof REPORT_STATES)[number];
  // price
  mineral?: Mineral;
  amount?: number;
  currency?: string;
  unit?: Unit;
  placeOfSale?: string;
  /** Gold purity in karats (1–24). */
  purity?: number;
  // issue
  category?: IssueCategory;
  description?: string;
  // incident
  incidentType?: IncidentType;
  injured?: number;
  dead?: number;
  /** When it happened, in the reporter's words. */
  occurred?: string;
  /** Injuries or deaths: on-call staff were alerted; stays on top until seen. */
  urgent: boolean;
  // place (coarse): what the reporter named, and the contact's site/region when not anonymous
  place?: string;
  /** Photos sent with a confidential issue or incident (WhatsApp): staff open them through the dashboard. */
  media?: MediaRef[];
  /** A spoken description left on the voice line (confidential reports only): kept at the provider, played through the dashboard. */
  recording?: { sid: string; durationSec: number };
  site?: string;
  region?: string;
  country?: string;
  createdAt: Date;
  // triage
  /** Who on the team follows it up (a staff name). */
  assignee?: string;
  /** Internal notes; never sent to the reporter. */
  notes: { at: Date; by: string; text: string }[];
  /** Urgent and not yet seen: listed first. */
  pinned?: boolean;
  /** When someone first looked at it (urgent reports leave the top then). */
  seenAt?: Date;
  updatedAt?: Date;
  /** Price reports: counted in the price rollups (or waiting in the rollup queue to be). */
  rolledUp?: boolean;
}

/** A triage state. */
export type ReportState = (typeof REPORT_STATES)[number];

/** Schema of `reports`. */
export const reportSchema = makeSchema({
  kind: { type: String, enum: REPORT_KINDS, required: true },
  reference: { type: String, required: true, match: /^[PRC]-[0-9A-Z]{5}$/ },
  anonymous: { type: Boolean, default: false },
  confidential: { type: Boolean, default: false },
  contactId: String,
  sourceKey: String,
  channel: { type: String, enum: SOURCES, required: true },
  language: { type: String, enum: LANGUAGES },
  state: { type: String, enum: REPORT_STATES, default: 'new' },
  mineral: { type: String, enum: MINERALS },
  amount: { type: Number, min: 0 },
  currency: { type: String, match: /^[A-Z]{3}$/ },
  unit: { type: String, enum: UNITS },
  placeOfSale: { type: String, maxlength: 60 },
  purity: { type: Number, min: 1, max: 24 },
  category: { type: String, enum: ISSUE_CATEGORIES },
  description: { type: String, maxlength: 480 },
  incidentType: { type: String, enum: INCIDENT_TYPES },
  injured: { type: Number, min: 0, max: 10000 },
  dead: { type: Number, min: 0, max: 10000 },
  occurred: { type: String, maxlength: 60 },
  urgent: { type: Boolean, default: false },
  place: { type: String, maxlength: 60 },
  media: {
    type: [
      { _id: false, url: { type: String, maxlength: 500 }, contentType: { type: String, maxlength: 100 } },
    ],
    default: undefined,
  },
  recording: {
    type: { _id: false, sid: { type: String, maxlength: 64 }, durationSec: { type: Number, min: 0 } },
    default: undefined,
  },
  site: { type: String, maxlength: 60 },
  region: { type: String, maxlength: 60 },
  country: { type: String, maxlength: 2 },
  createdAt: { type: Date, default: () => new Date() },
  assignee: { type: String, maxlength: 80 },
  notes: {
    type: [
      { _id: false, at: Date, by: { type: String, maxlength: 80 }, text: { type: String, maxlength: 1000 } },
    ],
    default: () => [],
  },
  pinned: Boolean,
  seenAt: Date,
  updatedAt: Date,
  rolledUp: Boolean,
});
reportSchema.index({ reference: 1 }, { unique: true });
reportSchema.index({ sourceKey: 1 }, { unique: true, sparse: true });
reportSchema.index({ kind: 1, createdAt: -1 });
// the reads each price report and market question makes: recent prices of one mineral in one
// region, country or currency, newest first, bounded by a window and a limit; the price
// fields are in the index, so the read never touches the reports themselves (covered)
reportSchema.index({ mineral: 1, region: 1, createdAt: -1, currency: 1, unit: 1, amount: 1 });
reportSchema.index({ mineral: 1, country: 1, createdAt: -1, currency: 1, unit: 1, amount: 1 });
reportSchema.index({ mineral: 1, currency: 1, createdAt: -1, unit: 1, amount: 1 });
reportSchema.index({ contactId: 1 }, { sparse: true });
reportSchema.index({ pinned: 1, createdAt: -1 });
reportSchema.index({ state: 1, createdAt: -1 });
