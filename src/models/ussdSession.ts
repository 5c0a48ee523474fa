import { Schema } from 'mongoose';
import { makeSchema } from './common';

/**
 * One USSD session (Africa's Talking): where the person is in the menus, the screen last
 * shown, and, once the network ends it, how it ended and what it cost. It holds no phone
 * number and no contact: the provider's session id is the key, so the dashboard's cost
 * view and a repeated request never need to know who dialled.
 */
export interface UssdSession {
  /** The provider's `sessionId`. */
  _id: string;
  /** Inputs of `text` already applied (`1*2*250000` is three). */
  inputs: number;
  /** The `text` last answered: the same text again is a repeated request, answered the same. */
  lastText: string;
  /** The menus walked so far, the last one on screen; `0` goes back one. */
  stack: Record<string, unknown>[];
  screen: string;
  /** The last screen closed the session (`END`). */
  end: boolean;
  /** Reports made in the session (a count: no reference, an anonymous one must stay unlinked). */
  reports?: number;
  serviceCode?: string;
  networkCode?: string;
  createdAt: Date;
  updatedAt: Date;
  /** From the end-of-session notification. */
  status?: 'Success' | 'Incomplete' | 'Failed';
  durationMs?: number;
  hops?: number;
  costAmount?: number;
  costCurrency?: string;
  errorMessage?: string;
  expiresAt: Date;
}

/** Schema of `ussdSessions`. */
export const ussdSessionSchema = makeSchema({
  _id: { type: String, required: true },
  inputs: { type: Number, required: true },
  lastText: { type: String, default: '' },
  stack: { type: [Schema.Types.Mixed], default: [] },
  screen: { type: String, default: '' },
  end: { type: Boolean, default: false },
  reports: Number,
  serviceCode: String,
  networkCode: String,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  status: { type: String, enum: ['Success', 'Incomplete', 'Failed'] },
  durationMs: Number,
  hops: Number,
  costAmount: Number,
  costCurrency: String,
  errorMessage: String,
  expiresAt: { type: Date, required: true },
});
ussdSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
ussdSessionSchema.index({ createdAt: 1 });
