import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** A lesson's question: numbered options, the right one, and one SMS of feedback either way. */
export interface LessonQuiz {
  question: Record<string, string>;
  options: Record<string, string>[];
  /** The right option, from 1. */
  right: number;
  feedback: { right: Record<string, string>; wrong: Record<string, string> };
}

/** One lesson: one SMS per language, optionally a question. */
export interface Lesson {
  text: Record<string, string>;
  quiz?: LessonQuiz;
}

/**
 * A learning series staff wrote (six weekly lessons on mercury-free processing, five on
 * pit safety…): people join with `LEARN <key>`, by a staff enrolment, and get one lesson
 * at a time at their country's delivery hour.
 */
export interface Series {
  _id: string;
  /** The word after LEARN (`SAFETY`), upper case without accents; the topic's words work too. */
  key: string;
  topic: string;
  title: Record<string, string>;
  lessons: Lesson[];
  /** Days between lessons. */
  everyDays: number;
  createdBy: string;
  createdAt: Date;
}

/** Schema of `series`. */
export const seriesSchema = makeSchema({
  key: { type: String, required: true, unique: true, maxlength: 20 },
  topic: { type: String, required: true },
  title: { type: Schema.Types.Mixed, required: true },
  lessons: { type: [Schema.Types.Mixed], required: true },
  everyDays: { type: Number, required: true, min: 1, max: 60 },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
});

export const ENROLMENT_STATES = ['active', 'paused', 'finished', 'quit'] as const;
export type EnrolmentState = (typeof ENROLMENT_STATES)[number];

/** A person following a series: where they are, when the next lesson goes, their answers. */
export interface Enrolment {
  /** `<series id>:<contact id>`. */
  _id: string;
  seriesId: string;
  contactId: string;
  region?: string;
  role?: string;
  state: EnrolmentState;
  /** Lessons sent so far. */
  sent: number;
  /** When the next lesson goes (active ones). */
  nextAt?: Date;
  /** Quiz answers by lesson number (from 1): right or not. */
  quiz: Record<string, boolean>;
  joinedAt: Date;
  finishedAt?: Date;
}

/** Schema of `enrolments`. */
export const enrolmentSchema = makeSchema({
  _id: { type: String, required: true },
  seriesId: { type: String, required: true, index: true },
  contactId: { type: String, required: true, index: true },
  region: String,
  role: String,
  state: { type: String, enum: ENROLMENT_STATES, required: true },
  sent: { type: Number, default: 0 },
  nextAt: Date,
  quiz: { type: Schema.Types.Mixed, default: {} },
  joinedAt: { type: Date, required: true },
  finishedAt: Date,
});
enrolmentSchema.index({ state: 1, nextAt: 1 });
