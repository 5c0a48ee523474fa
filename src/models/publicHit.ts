import { makeSchema } from './common';

/**
 * How often the public page and each open-data download were opened in a month: a
 * counter only (no cookie, no address, no time finer than the month).
 */
export interface PublicHit {
  /** `<YYYY-MM>:<what>`. */
  _id: string;
  month: string;
  /** `page`, `prices.csv`, `reports.json`, … */
  what: string;
  count: number;
}

/** Schema of `publicHits`. */
export const publicHitSchema = makeSchema({
  _id: { type: String, required: true },
  month: { type: String, required: true, index: true },
  what: { type: String, required: true },
  count: { type: Number, required: true },
});
