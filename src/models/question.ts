import { Schema } from 'mongoose';
import { CHANNELS, Channel, makeSchema } from './common';

/** Where a question is: waiting for someone who knows, answered, or closed by staff. */
export const QUESTION_STATES = ['waiting', 'answered', 'closed'] as const;
export type QuestionState = (typeof QUESTION_STATES)[number];

/** One message of a question's thread: the asker's or an answer. */
export interface ThreadMessage {
  from: 'asker' | 'staff';
  text: string;
  at: Date;
  /** Who answered (staff name); never set for the asker. */
  by?: string;
}

/**
 * A question a miner asked (`ASK …`): staff or an expert of its topics answer it on the
 * asker's channel, and the asker can reply. An anonymous question keeps no contact and the
 * hour only; its answer is read with `STATUS Q-…` by whoever holds the reference.
 */
export interface Question {
  _id: string;
  /** `Q-4K7Q2`. */
  reference: string;
  /** The asker; absent when anonymous. */
  contactId?: string;
  anonymous: boolean;
  channel: Channel;
  language: string;
  /** Topic ids found in the question (`domain/topics.ts`): which experts see it. */
  topics: string[];
  region?: string;
  country?: string;
  state: QuestionState;
  thread: ThreadMessage[];
  /** When it started waiting (again, after a reply): the inbox sorts by it. */
  waitingSince?: Date;
  answeredAt?: Date;
  /** The asker's replies join the thread until then. */
  repliesUntil?: Date;
  createdAt: Date;
}

/** Schema of `questions`. */
export const questionSchema = makeSchema({
  reference: { type: String, required: true, unique: true },
  contactId: { type: String, index: true },
  anonymous: { type: Boolean, required: true },
  channel: { type: String, enum: CHANNELS, required: true },
  language: { type: String, required: true },
  topics: { type: [String], default: [] },
  region: String,
  country: String,
  state: { type: String, enum: QUESTION_STATES, required: true },
  thread: {
    type: [
      new Schema(
        {
          from: { type: String, enum: ['asker', 'staff'], required: true },
          text: String,
          at: Date,
          by: String,
        },
        { _id: false },
      ),
    ],
    default: [],
  },
  waitingSince: Date,
  answeredAt: Date,
  repliesUntil: Date,
  createdAt: { type: Date, required: true },
});
questionSchema.index({ state: 1, waitingSince: 1 });

/**
 * An answer staff published for everyone: the question and the answer written without
 * name, number or site, per language, and the words a new question is matched on.
 */
export interface PublishedAnswer {
  _id: string;
  questionId?: string;
  topics: string[];
  question: Record<string, string>;
  answer: Record<string, string>;
  /** Content words of the question, per language (normalised), for matching. */
  words: Record<string, string[]>;
  /** Times an asker said it helped. */
  helped: number;
  publishedBy: string;
  publishedAt: Date;
}

/** Schema of `answers`. */
export const publishedAnswerSchema = makeSchema({
  questionId: String,
  topics: { type: [String], default: [] },
  question: { type: Schema.Types.Mixed, required: true },
  answer: { type: Schema.Types.Mixed, required: true },
  words: { type: Schema.Types.Mixed, default: {} },
  helped: { type: Number, default: 0 },
  publishedBy: { type: String, required: true },
  publishedAt: { type: Date, required: true, index: true },
});
