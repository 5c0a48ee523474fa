import { LANGUAGES, LANGUAGE_NAMES, Language } from '../domain/language';
import { MINERALS } from '../domain/minerals';
import { formatAmount } from '../domain/price';
import { INCIDENT_TYPES, ISSUE_CATEGORIES, PRIVACY_LEVELS } from '../domain/reports';
import { Translator } from '../i18n';
import { smsBudget } from '../i18n/budgets';
import { renderSms } from '../i18n/render';
import { BUILTIN_FLOWS } from './definitions';
import { AskStep } from '../models/flowDefinition';
import { TOPICS } from '../domain/topics';
import { eventWhen } from '../knowledge/answers';

/**
 * Trees of labels that only appear inside other messages, never on their own (`digest`:
 * the tips a weekly digest adds only when the whole still fits one SMS, checked as it is made).
 */
const LABEL_TREES = [
  'minerals',
  'roles',
  'answers',
  'keywords',
  'issues',
  'incidents',
  'privacy',
  'topics',
  'digest',
];

/** Trees no SMS carries: labels inside other texts, and the voice line's spoken prompts (`voice.*`). */
const NOT_SMS = [...LABEL_TREES, 'voice'];

/** Every leaf key of a resource tree. */
export function leafKeys(tree: unknown, prefix = ''): string[] {
  if (typeof tree === 'string') return [prefix];
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [];
  return Object.entries(tree).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * The longest values a message can carry in a language: longest names, a ten-digit
 * amount with cents (a kilo of gold in Indonesian rupiah), the longest text answer
 * accepted (60 characters), the largest counts.
 */
export function worstCaseValues(t: Translator, lng: Language): Record<string, string | number> {
  const longest = (prefix: string, ids: readonly string[]) =>
    ids.map((id) => t.t(lng, `${prefix}.${id}`)).sort((a, b) => b.length - a.length)[0];
  const amount = formatAmount(9_999_999_999.99, lng);
  const long = 'X'.repeat(60);
  return {
    mineral: longest('minerals', MINERALS),
    word: longest('minerals', MINERALS).toUpperCase(),
    type: longest('incidents', INCIDENT_TYPES),
    reporter: longest('privacy', PRIVACY_LEVELS),
    amount,
    median: amount,
    refAmount: amount,
    localAmount: amount,
    currency: 'XOF',
    refCurrency: 'XOF',
    localCurrency: 'XOF',
    unit: 'tola',
    refUnit: 'tola',
    localUnit: 'tola',
    refDate: new Intl.DateTimeFormat(lng, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date('2026-09-30'),
    ),
    n: 9999,
    days: 30,
    injured: 10000,
    dead: 10000,
    ref: 'C-XXXXX',
    code: '999999',
    option: long,
    place: long,
    site: long,
    // directory entries: names are at most 40 characters; the rest of an entry's answer
    // (summary, contact, regions) is checked against the real entry when staff save it
    name: 'X'.repeat(40),
    when: eventWhen({ startsAt: new Date('2026-09-30T20:59:00Z'), countries: ['BR'] }, lng),
    topic: longest('topics', TOPICS),
    summary: '',
    contact: '',
    where: '',
    // a staff answer is checked against its SMS when written; a published answer offered
    // to a similar question is one SMS (160) inside a two-segment prompt
    text: '',
    offered: 'X'.repeat(160),
    // series: a title of 30 characters, ten keys to join, the longest spacing; a lesson's
    // own text is checked when staff save the series
    title: 'X'.repeat(30),
    keys: Array.from({ length: 10 }, () => 'XXXXXXXX').join(', '),
    total: 99,
    hour: 23,
    // the bulletin's summary: facts are added only while the SMS stays one segment
    month: '2026-12',
    facts: '',
    change: '+100%',
    issue: longest('issues', ISSUE_CATEGORIES),
  };
}

function optionsFor(t: Translator, lng: Language, key: string): string[] | undefined {
  const m = /^flows\.(\w+)\.(\w+)\.prompt$/.exec(key);
  if (!m) return undefined;
  const step = BUILTIN_FLOWS[m[1]]?.steps.find((s) => s.id === m[2]) as AskStep | undefined;
  if (!step || step.type !== 'ask') return undefined;
  if (step.input === 'yesno') return [t.t(lng, 'answers.yes'), t.t(lng, 'answers.no')];
  return (step.options ?? []).map((o) =>
    step.optionLabels === 'languageNames'
      ? LANGUAGE_NAMES[o as Language]
      : t.t(lng, `${step.optionLabels}.${o}`),
  );
}

/** One SMS string rendered with worst-case values, and its budget. */
export interface RenderedSmsString {
  lng: Language;
  key: string;
  text: string;
  segments: number;
  encoding: string;
  budget: number;
}

/**
 * Every SMS string of every locale rendered as the line would send it, with worst-case
 * values and its numbered choices: what the budget test checks and the sms-cost
 * benchmark measures. `…_telegram` wording is Telegram only and left out.
 */
export function renderEverySmsString(t: Translator, foldGsm = true): RenderedSmsString[] {
  return LANGUAGES.flatMap((lng) => {
    const values = worstCaseValues(t, lng);
    return leafKeys(t.resources[lng])
      .filter((k) => !NOT_SMS.includes(k.split('.')[0]) && !k.endsWith('_telegram'))
      .map((key) => {
        const r = renderSms({ text: t.t(lng, key, values), options: optionsFor(t, lng, key) }, foldGsm);
        return { lng, key, text: r.text, segments: r.segments, encoding: r.encoding, budget: smsBudget(key) };
      });
  });
}
