import { Schema } from 'mongoose';
import { makeSchema } from './common';

/**
 * One phone call on the voice line (Twilio Voice): where the caller is in the menus and the
 * answer last given, so each keypad press is a small stateless request keyed by `CallSid`.
 * Like a USSD session it holds no phone number and no contact.
 */
export interface VoiceCall {
  /** Twilio's `CallSid`. */
  _id: string;
  /** Requests answered so far; each answer's `action` carries the next number, so a repeated request is answered the same. */
  step: number;
  /** The menus walked, the last one being heard; `*` goes back one. */
  stack: Record<string, unknown>[];
  /** The language the call is in (chosen with 9, or the contact's). */
  lang: string;
  /** Times in a row nothing was pressed: twice ends the call. */
  silence: number;
  /** The last answer (a spoken step), replayed for a repeated request and for `0`. */
  last?: Record<string, unknown>;
  /** Reports made during the call (a count: an anonymous one must stay unlinked). */
  reports?: number;
  /**
   * Spoken descriptions left on the call, to delete at the provider (the `recordings` job)
   * when their time comes: at once for one an anonymous report may not keep, after the
   * retention for a confidential report's (which then loses its `recording`).
   */
  recordings?: { sid: string; reportId?: string; until: Date }[];
  /** The earliest `until` of `recordings`: what the job looks for. */
  recordingsDue?: Date;
  /** Who started it: the caller, or the line (a call-back after a missed call, an alert). */
  direction: 'inbound' | 'callback' | 'alert';
  /** From Twilio's status callback. */
  status?: string;
  durationSec?: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

/** Schema of `voiceCalls`. */
export const voiceCallSchema = makeSchema({
  _id: { type: String, required: true },
  step: { type: Number, required: true },
  stack: { type: [Schema.Types.Mixed], default: [] },
  lang: { type: String, required: true },
  silence: { type: Number, default: 0 },
  last: Schema.Types.Mixed,
  reports: Number,
  recordings: {
    type: [{ _id: false, sid: String, reportId: String, until: Date }],
    default: undefined,
  },
  recordingsDue: Date,
  direction: { type: String, enum: ['inbound', 'callback', 'alert'], required: true },
  status: String,
  durationSec: Number,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
voiceCallSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
voiceCallSchema.index({ createdAt: 1 });
voiceCallSchema.index({ recordingsDue: 1 }, { sparse: true });
