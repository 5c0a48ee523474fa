import { z } from 'zod';

/**
 * Flows are data: a typed definition, validated here, interpreted by one engine.
 * Text comes from translation keys `flows.<flowId>.<stepId>.<prop>`.
 */

/** How an `ask` step reads an answer. */
export const INPUTS = [
  'choice',
  'yesno',
  'text',
  'number',
  'count',
  'mineral',
  'minerals',
  'amount',
  'currencyUnit',
  'karat',
  'language',
] as const;

const id = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'ids are letters, digits and _');

const askStep = z.object({
  id,
  type: z.literal('ask'),
  input: z.enum(INPUTS),
  /** Choices: stored values, labelled by `optionLabels` (a key prefix) or `flows.<flow>.<step>.options.<value>`. */
  options: z.array(z.string()).optional(),
  optionLabels: z.string().optional(),
  /** The answer key this step saves; inputs such as `amount` may also fill `fills`. */
  save: id,
  fills: z.array(id).optional(),
  skippable: z.boolean().default(false),
  /** Longest text answer accepted (`text` input). */
  maxLength: z.number().int().min(1).max(480).default(60),
  /** Text written into the flow itself (staff-made surveys), by language; else the translation key. */
  text: z.record(z.string(), z.string()).optional(),
  /** Option labels written into the flow, by language, one record per option. */
  optionTexts: z.array(z.record(z.string(), z.string())).optional(),
  /** Skip the question when the answers already hold everything it fills (a one-SMS report). */
  skipIfAnswered: z.boolean().default(false),
  next: id.optional(),
});

const sayStep = z.object({
  id,
  type: z.literal('say'),
  /** A translation key other than `flows.<flow>.<step>.say` (shared texts of stored flows). */
  key: z.string().optional(),
  next: id.optional(),
});
const actionStep = z.object({ id, type: z.literal('action'), action: z.string(), next: id.optional() });
const branchStep = z.object({
  id,
  type: z.literal('branch'),
  cases: z.array(z.object({ answer: id, equals: z.unknown(), next: id })),
  otherwise: id,
});
const endStep = z.object({
  id,
  type: z.literal('end'),
  /** A flow to start when this one ends. */
  then: id.optional(),
  /** Answers carried into that flow. */
  keep: z.array(z.string().max(40)).max(20).optional(),
});

/** One step of a flow. */
export const stepSchema = z.discriminatedUnion('type', [askStep, sayStep, actionStep, branchStep, endStep]);

/** A flow definition; every `next`, `otherwise` and case target must name a step of the flow. */
export const flowSchema = z
  .object({
    id,
    version: z.number().int().positive(),
    /** A report flow whose answers may end in an anonymous report: its messages can be erased. */
    sensitive: z.boolean().default(false),
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((flow, ctx) => {
    const ids = new Set<string>();
    for (const s of flow.steps) {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate step id ${s.id}` });
      ids.add(s.id);
    }
    for (const s of flow.steps) {
      const targets: (string | undefined)[] =
        s.type === 'branch' ? [...s.cases.map((c) => c.next), s.otherwise] : s.type === 'end' ? [] : [s.next];
      for (const t of targets) {
        if (t && !ids.has(t))
          ctx.addIssue({ code: 'custom', message: `step ${s.id} goes to unknown step ${t}` });
      }
    }
  });

/** A validated flow. */
export type Flow = z.infer<typeof flowSchema>;
/** A validated step. */
export type Step = z.infer<typeof stepSchema>;
/** An `ask` step. */
export type AskStep = z.infer<typeof askStep>;

/** Validates a flow definition; throws a zod error naming what is wrong. */
export function defineFlow(def: z.input<typeof flowSchema>): Flow {
  return flowSchema.parse(def);
}
