import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** A price line of a bulletin: a mineral's national median this month and last, and the reference. */
export interface BulletinPrice {
  country: string;
  mineral: string;
  currency: string;
  unit: string;
  median: number;
  reports: number;
  previous?: number;
  /** Change from last month, in percent. */
  change?: number;
  /** The latest reference price in the same currency and unit, and the median as a share of it. */
  reference?: number;
  ofReference?: number;
}

/** The monthly bulletin for partners: prepared from the open figures, reviewed, published. */
export interface Bulletin {
  /** The month, `YYYY-MM`. */
  _id: string;
  state: 'draft' | 'published';
  prices: BulletinPrice[];
  /** Top issues by country and region (published counts only). */
  issues: { country: string; region: string | null; category: string; reports: number; previous?: number }[];
  incidents: { country: string; incidents: number | null; injured: number | null; dead: number | null }[];
  /** A short text staff write, per language. */
  note: Record<string, string>;
  minCell: number;
  preparedAt: Date;
  publishedAt?: Date;
  publishedBy?: string;
}

/** Schema of `bulletins`. */
export const bulletinSchema = makeSchema({
  _id: { type: String, required: true, match: /^\d{4}-\d{2}$/ },
  state: { type: String, enum: ['draft', 'published'], required: true },
  prices: { type: [Schema.Types.Mixed], default: [] },
  issues: { type: [Schema.Types.Mixed], default: [] },
  incidents: { type: [Schema.Types.Mixed], default: [] },
  note: { type: Schema.Types.Mixed, default: {} },
  minCell: { type: Number, required: true },
  preparedAt: { type: Date, required: true },
  publishedAt: Date,
  publishedBy: String,
});
