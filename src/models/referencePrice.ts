import { MINERALS, Mineral, UNITS, Unit } from '../domain/minerals';
import { makeSchema } from './common';

/** A reference price staff published (e.g. from a central bank or LBMA): what market replies quote. */
export interface ReferencePrice {
  _id: string;
  mineral: Mineral;
  amount: number;
  currency: string;
  unit: Unit;
  /** Only for this region, when set. */
  region?: string;
  source?: string;
  publishedAt: Date;
  publishedBy?: string;
}

/** Schema of `referencePrices`. */
export const referencePriceSchema = makeSchema({
  mineral: { type: String, enum: MINERALS, required: true },
  amount: { type: Number, required: true, min: 0 },
  currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
  unit: { type: String, enum: UNITS, required: true },
  region: { type: String, maxlength: 60 },
  source: { type: String, maxlength: 120 },
  publishedAt: { type: Date, default: () => new Date() },
  publishedBy: String,
});
referencePriceSchema.index({ mineral: 1, publishedAt: -1 });
