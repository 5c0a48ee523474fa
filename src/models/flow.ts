import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** A flow stored as data (a survey staff made): the engine runs it like a built-in one. */
export interface StoredFlow {
  _id: string;
  /** A staff survey, or the question of a series lesson (`quiz_<series>_<n>`). */
  kind: 'survey' | 'quiz';
  title: string;
  /** The flow definition, validated by the flow schema when loaded. */
  definition: Record<string, unknown>;
  /** The questions as staff wrote them, for results. */
  questions: {
    id: string;
    type: string;
    text: Record<string, string>;
    options?: Record<string, string>[];
    skipIf?: { question: string; equals: string | number | boolean };
  }[];
  createdBy: string;
  createdAt: Date;
}

/** Schema of `flows`. */
export const flowDocSchema = makeSchema({
  _id: { type: String, required: true },
  kind: { type: String, enum: ['survey', 'quiz'], required: true },
  title: { type: String, required: true, maxlength: 120 },
  definition: { type: Schema.Types.Mixed, required: true },
  questions: { type: [Schema.Types.Mixed], required: true },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
flowDocSchema.index({ kind: 1, createdAt: -1 });

/** One person's answers to a survey. */
export interface SurveyResponse {
  /** `<surveyId>:<contactId>`. */
  _id: string;
  surveyId: string;
  contactId: string;
  answers: Record<string, unknown>;
  region?: string;
  site?: string;
  completedAt: Date;
}

/** Schema of `surveyResponses`. */
export const surveyResponseSchema = makeSchema({
  _id: { type: String, required: true },
  surveyId: { type: String, required: true },
  contactId: { type: String, required: true },
  answers: { type: Schema.Types.Mixed, default: {} },
  region: String,
  site: String,
  completedAt: { type: Date, default: () => new Date() },
});
surveyResponseSchema.index({ surveyId: 1 });
