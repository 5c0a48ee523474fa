import { Schema } from 'mongoose';
import { MINERALS, Mineral, UNITS, Unit } from '../domain/minerals';
import { makeSchema } from './common';

/** Time buckets statistics are kept in. */
export const STAT_BUCKETS = ['week', 'month'] as const;
/** A time bucket: ISO weeks start on Monday, months on the 1st, both at 00:00 UTC. */
export type StatBucket = (typeof STAT_BUCKETS)[number];

/**
 * Values one rollup document holds at most: writes stay small however busy a bucket gets.
 * A setting object so tests can make chunks small.
 */
export const ROLLUP = { chunk: 250 };

/**
 * Prices of one mineral, unit and currency in one time bucket, for one region or for
 * all (`all: true`), kept up to date as reports arrive (MongoDB's bucket pattern). A
 * bucket is one or more documents (`chunk` 0, 1, …) of at most `ROLLUP.chunk` values, each
 * kept sorted, so a bucket's values are read in order by merging its chunks, without a sort.
 */
export interface PriceRollup {
  _id: string;
  /** `bucket|start|mineral|unit|currency|region or *`: the one document a report adds to. */
  key: string;
  chunk: number;
  bucket: StatBucket;
  start: Date;
  mineral: Mineral;
  unit: Unit;
  currency: string;
  all: boolean;
  region?: string;
  n: number;
  values: number[];
}

/** Schema of `priceRollups`. */
export const priceRollupSchema = makeSchema({
  key: { type: String, required: true },
  chunk: { type: Number, required: true, min: 0 },
  bucket: { type: String, enum: STAT_BUCKETS, required: true },
  start: { type: Date, required: true },
  mineral: { type: String, enum: MINERALS, required: true },
  unit: { type: String, enum: UNITS, required: true },
  currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
  all: { type: Boolean, required: true },
  region: { type: String, maxlength: 60 },
  n: { type: Number, default: 0 },
  // Mixed: thousands of numbers per bucket are not cast one by one on every report.
  values: { type: Schema.Types.Mixed, default: () => [] },
});
priceRollupSchema.index({ key: 1, chunk: 1 }, { unique: true });
priceRollupSchema.index({ mineral: 1, bucket: 1, all: 1, start: 1 });

/**
 * A conversion staff set between two currencies or two units, valid from a date:
 * a price quoted in `from` times `factor` is the price in `to` (USD→CDF 2850;
 * kg→g 0.001). Statistics use the latest one valid at a bucket's start, either way round.
 */
export interface PriceConversion {
  _id: string;
  kind: 'currency' | 'unit';
  from: string;
  to: string;
  factor: number;
  validFrom: Date;
  setBy?: string;
  createdAt: Date;
}

/** Schema of `priceConversions`. */
export const priceConversionSchema = makeSchema({
  kind: { type: String, enum: ['currency', 'unit'], required: true },
  from: { type: String, required: true, maxlength: 4 },
  to: { type: String, required: true, maxlength: 4 },
  factor: { type: Number, required: true, min: 0 },
  validFrom: { type: Date, required: true },
  setBy: String,
  createdAt: { type: Date, default: () => new Date() },
});
priceConversionSchema.index({ from: 1, to: 1, validFrom: -1 });

/**
 * A price report waiting to be counted in the rollups: written in the report's own unit of
 * work, removed by the fold that counts it (in one unit too), so each report is counted
 * exactly once, and a busy line pays a few rollup writes a second instead of several per
 * report. It carries what the rollups need and nothing about who reported.
 */
export interface RollupEntry {
  /** The report's id. */
  _id: string;
  mineral: Mineral;
  unit: Unit;
  currency: string;
  region?: string;
  amount: number;
  createdAt: Date;
}

/** Schema of `rollupQueue`. */
export const rollupEntrySchema = makeSchema({
  _id: { type: String, required: true },
  mineral: { type: String, enum: MINERALS, required: true },
  unit: { type: String, enum: UNITS, required: true },
  currency: { type: String, required: true },
  region: { type: String, maxlength: 60 },
  amount: { type: Number, required: true },
  createdAt: { type: Date, required: true },
});
