/**
 * SMS strings allowed more than one segment, and why. Everything else must fit one
 * GSM-7 segment with worst-case values (checked by test/i18n/sms-budget.test.ts).
 */
export const SMS_BUDGETS: Record<string, number> = {
  // The whole menu of what one can do; sent only when asked for.
  'replies.help': 2,
  // Ten categories from the problem map, each named plainly.
  'flows.issue.category.prompt': 2,
  // A published answer (one SMS) quoted whole, then "1 This helps 2 Ask anyway".
  'flows.question.helps.prompt': 2,
};

/** The segment budget of a translation key. */
export function smsBudget(key: string): number {
  return SMS_BUDGETS[key] ?? 1;
}
