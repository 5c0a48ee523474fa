import { Schema } from 'mongoose';
import { TOPICS } from '../domain/topics';
import { makeSchema } from './common';

/** What a directory entry is. */
export const ENTRY_KINDS = ['organisation', 'service', 'project', 'event'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * Who can help, kept by staff: an organisation, a service or a project, or an event (a
 * community dialogue, a training, a meeting). Miners find it by topic and region
 * (`HELP MERCURY`, `EVENTS`); an event can be answered `GO`.
 */
export interface DirectoryEntry {
  _id: string;
  kind: EntryKind;
  name: string;
  /** Topic ids (`domain/topics.ts`). */
  topics: string[];
  /** Regions served (names as in contacts' profiles); none: the whole country. */
  regions: string[];
  /** ISO country codes; none: anywhere. */
  countries: string[];
  phone?: string;
  place?: string;
  /** Languages spoken there. */
  languages: string[];
  /** What it does, one short text per language (the answer is one SMS). */
  summary: Record<string, string>;
  hours?: string;
  /** Events: when it starts and ends. */
  startsAt?: Date;
  endsAt?: Date;
  /** How many people said `GO` (events). */
  going: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Schema of `directory`. */
export const directoryEntrySchema = makeSchema({
  kind: { type: String, enum: ENTRY_KINDS, required: true },
  name: { type: String, required: true, maxlength: 40 },
  topics: { type: [{ type: String, enum: TOPICS }], default: [] },
  regions: { type: [String], default: [] },
  countries: { type: [String], default: [] },
  phone: { type: String, maxlength: 20 },
  place: { type: String, maxlength: 60 },
  languages: { type: [String], default: [] },
  summary: { type: Schema.Types.Mixed, default: {} },
  hours: { type: String, maxlength: 40 },
  startsAt: Date,
  endsAt: Date,
  going: { type: Number, default: 0 },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
directoryEntrySchema.index({ topics: 1 });
directoryEntrySchema.index({ kind: 1, startsAt: 1 });

/**
 * A person who said `GO` to an event: the reminder the day before goes from here. Region
 * and role are copied for the counts staff see; the contact id is there so the reminder
 * reaches them (and admins can see who), never shown to other roles.
 */
export interface Rsvp {
  /** `<event id>:<contact id>`: one answer per person and event. */
  _id: string;
  entryId: string;
  contactId: string;
  region?: string;
  role?: string;
  createdAt: Date;
  startsAt: Date;
  remindedAt?: Date;
}

/** Schema of `rsvps`. */
export const rsvpSchema = makeSchema({
  _id: { type: String, required: true },
  entryId: { type: String, required: true, index: true },
  contactId: { type: String, required: true },
  region: String,
  role: String,
  createdAt: { type: Date, required: true },
  startsAt: { type: Date, required: true },
  remindedAt: Date,
});
rsvpSchema.index({ remindedAt: 1, startsAt: 1 });
