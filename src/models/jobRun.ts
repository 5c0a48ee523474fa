import { makeSchema } from './common';

/** When a scheduled job last ran, so one missed while the service was down runs once at start. */
export interface JobRun {
  _id: string;
  lastRunAt: Date;
}

/** Schema of `jobRuns`. */
export const jobRunSchema = makeSchema({
  _id: { type: String, required: true },
  lastRunAt: { type: Date, required: true },
});
