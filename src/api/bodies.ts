import { z } from 'zod';
import { LANGUAGES } from '../domain/language';
import { UNTRANSLATED } from '../campaigns/audience';
import { CHANNELS, ENTRY_KINDS } from '../models';
import { TOPICS } from '../domain/topics';
import { isoDate, strictObject } from './validation';
import { CLIP_NAME } from '../flows/voice/clips';

/**
 * Request bodies staff send to create what reaches many people (broadcasts, polls,
 * surveys): one definition for the API and the dashboard's forms.
 */

const list = z.array(z.string().trim().min(1).max(60)).max(200).default([]);
const lowered = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values)))
    .max(20)
    .default([]);

/**
 * An audience: strict (an unknown key is a 400 naming it and listing the valid ones, as
 * ignoring it would send to everyone); every list optional, empty meaning everyone.
 */
export const audienceBody = strictObject(
  {
    countries: list,
    regions: list,
    sites: list,
    minerals: list,
    roles: list,
    languages: lowered(LANGUAGES),
    channels: lowered(CHANNELS),
  },
  'audience key',
).default({ countries: [], regions: [], sites: [], minerals: [], roles: [], languages: [], channels: [] });

/** Text by language: at least one of Chimba's languages, each a non-empty message. */
export const textsBody = z
  .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(1600))
  .refine((t) => Object.keys(t).length > 0, { message: 'give the text in at least one language' });

/** What every creation that reaches people shares: who, what happens to other languages, the empty guard. */
const reach = {
  audience: audienceBody,
  /** People whose language has no text: `skip` them (the default) or send them the `fallback`. */
  untranslated: z.enum(UNTRANSLATED).default('skip'),
  /** Create it even when it reaches nobody today. */
  allowEmpty: z.boolean().default(false),
};

/** A broadcast: now (no `sendAt`, or `"now": true`) or at a future `sendAt`. */
export const broadcastBody = strictObject({
  text: textsBody,
  ...reach,
  priority: z.enum(['alert', 'bulk']).default('bulk'),
  /** For people who prefer calls: a recording staff uploaded (`PUT /api/v1/voice/prompts/<lang>/<name>`), by language. */
  voiceRecordings: z
    .partialRecord(z.enum(LANGUAGES), z.string().regex(CLIP_NAME, 'a recording name: letters, digits, . _ -'))
    .optional(),
  sendAt: isoDate().optional(),
  now: z.boolean().optional(),
});
/** A parsed broadcast body. */
export type BroadcastBody = z.infer<typeof broadcastBody>;

/** A poll: 2–9 options, each in every language the question has. */
export const pollBody = strictObject({
  question: textsBody,
  options: z.array(textsBody).min(2, 'a poll needs 2 to 9 options').max(9, 'a poll needs 2 to 9 options'),
  ...reach,
  opensAt: isoDate().optional(),
  /** Closes after the deployment's default (`POLL_DEFAULT_DAYS`) when not given. */
  closesAt: isoDate().optional(),
  reminderAt: isoDate().optional(),
}).superRefine((p, ctx) => {
  for (const lang of Object.keys(p.question)) {
    p.options.forEach((o, i) => {
      if (!(lang in o))
        ctx.addIssue({ code: 'custom', path: ['options', i, lang], message: `missing the ${lang} label` });
    });
  }
});
/** A parsed poll body. */
export type PollBody = z.infer<typeof pollBody>;

const questionId = z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, 'lower-case letters, digits and _, at most 30');

const question = strictObject({
  id: questionId,
  type: z.enum(['choice', 'number', 'yesno', 'text']),
  text: textsBody,
  options: z.array(textsBody).min(2).max(9).optional(),
  /**
   * Skip this question when an earlier answer is a value: `{"question": "mercury", "equals": "no"}`
   * (yes/no questions: `yes`/`no`; choices: the option number).
   */
  skipIf: strictObject({
    question: questionId,
    equals: z.union([z.string().max(30), z.number(), z.boolean()]),
  }).optional(),
}).refine((q) => (q.type === 'choice') === !!q.options, {
  message: 'choice questions need 2 to 9 options, other types none',
  path: ['options'],
});

/** A survey: questions in order, each in the same languages (as a poll's options must be). */
export const surveyBody = strictObject({
  title: z.string().trim().min(1).max(120),
  questions: z.array(question).min(1).max(20),
  ...reach,
  sendAt: isoDate().optional(),
  now: z.boolean().optional(),
}).superRefine((s, ctx) => {
  const ids = s.questions.map((q) => q.id);
  if (new Set(ids).size !== ids.length)
    ctx.addIssue({ code: 'custom', path: ['questions'], message: 'question ids must be unique' });
  const languages = Object.keys(s.questions[0]?.text ?? {});
  s.questions.forEach((q, i) => {
    const texts = [q.text, ...(q.options ?? [])];
    for (const lang of languages)
      texts.forEach((t, j) => {
        if (!(lang in t))
          ctx.addIssue({
            code: 'custom',
            path: ['questions', i, ...(j ? ['options', j - 1] : ['text']), lang],
            message: `missing the ${lang} text the first question has`,
          });
      });
    for (const lang of Object.keys(q.text))
      if (!languages.includes(lang))
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'text', lang],
          message: `the first question has no ${lang} text: every question needs the same languages`,
        });
    if (q.skipIf) {
      const earlier = s.questions.slice(0, i).find((p) => p.id === q.skipIf!.question);
      if (!earlier)
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'skipIf', 'question'],
          message: `must name an earlier question (${ids.slice(0, i).join(', ') || 'none'})`,
        });
    }
  });
});
/** A parsed survey body. */
export type SurveyBody = z.infer<typeof surveyBody>;

/** A directory entry: who helps with what, where (or an event: when). */
export const directoryBody = strictObject({
  kind: z.enum(ENTRY_KINDS),
  name: z.string().trim().min(1).max(40),
  topics: z.array(z.enum(TOPICS)).min(1, 'name at least one topic').max(TOPICS.length),
  regions: list,
  countries: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code such as CD')
        .transform((c) => c.toUpperCase()),
    )
    .max(50)
    .default([]),
  phone: z.string().trim().max(20).optional(),
  place: z.string().trim().max(60).optional(),
  languages: lowered(LANGUAGES),
  summary: z
    .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(160))
    .refine((t) => Object.keys(t).length > 0, { message: 'give the summary in at least one language' }),
  hours: z.string().trim().max(40).optional(),
  startsAt: isoDate().optional(),
  endsAt: isoDate().optional(),
});
/** A parsed directory entry. */
export type DirectoryBody = z.infer<typeof directoryBody>;
