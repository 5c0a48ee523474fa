import { LANGUAGES, Language } from '../../src/domain/language';
import { MINERALS } from '../../src/domain/minerals';
import { formatAmount } from '../../src/domain/price';
import { foldToGsm, smsCost } from '../../src/domain/sms';
import { BUILTIN_FLOWS } from '../../src/flows/definitions';
import { AskStep } from '../../src/flows/types';
import { Translator } from '../../src/i18n';
import { renderSms } from '../../src/i18n/render';
import { LANGUAGE_NAMES } from '../../src/domain/language';
import { INCIDENT_TYPES, PRIVACY_LEVELS } from '../../src/domain/reports';
import { smsBudget } from '../../src/i18n/budgets';

const translator = new Translator('en');

/** Every leaf string key under the SMS message trees (not labels, which only appear inside others). */
function leafKeys(tree: unknown, prefix = ''): string[] {
  if (typeof tree === 'string') return [prefix];
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [];
  return Object.entries(tree).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

const LABEL_TREES = ['minerals', 'roles', 'answers', 'keywords', 'issues', 'incidents', 'privacy'];

const longest = (lng: Language, prefix: string, ids: readonly string[]) =>
  ids.map((id) => translator.t(lng, `${prefix}.${id}`)).sort((a, b) => b.length - a.length)[0];

/**
 * The longest values a message can carry: longest names in the language, a ten-digit
 * amount with cents (a kilo of gold in Indonesian rupiah), the longest text answer
 * accepted (60 characters), the largest counts.
 */
function worstCase(lng: Language): Record<string, string | number> {
  const amount = formatAmount(9_999_999_999.99, lng);
  return {
    mineral: longest(lng, 'minerals', MINERALS),
    type: longest(lng, 'incidents', INCIDENT_TYPES),
    reporter: longest(lng, 'privacy', PRIVACY_LEVELS),
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
    option: 'X'.repeat(60),
    place: 'X'.repeat(60),
    site: 'X'.repeat(60),
  };
}

function optionsFor(lng: Language, key: string): string[] | undefined {
  const m = /^flows\.(\w+)\.(\w+)\.prompt$/.exec(key);
  if (!m) return undefined;
  const step = BUILTIN_FLOWS[m[1]]?.steps.find((s) => s.id === m[2]) as AskStep | undefined;
  if (!step || step.type !== 'ask') return undefined;
  if (step.input === 'yesno') return [translator.t(lng, 'answers.yes'), translator.t(lng, 'answers.no')];
  return (step.options ?? []).map((o) =>
    step.optionLabels === 'languageNames'
      ? LANGUAGE_NAMES[o as Language]
      : translator.t(lng, `${step.optionLabels}.${o}`),
  );
}

describe('every SMS the line sends fits its segment budget (one unless stated), in every language, with worst-case values', () => {
  const rows = LANGUAGES.flatMap((lng) =>
    leafKeys(translator.resources[lng])
      .filter((k) => !LABEL_TREES.includes(k.split('.')[0]))
      // `…_telegram` wording is for Telegram only, where there are no segments
      .filter((k) => !k.endsWith('_telegram'))
      .map((key) => [lng, key] as const),
  );

  test('every language has the same keys as English', () => {
    const en = new Set(leafKeys(translator.resources.en));
    for (const lng of LANGUAGES) expect(new Set(leafKeys(translator.resources[lng]))).toEqual(en);
  });

  test.each(rows)('%s %s', (lng, key) => {
    const text = translator.t(lng, key, worstCase(lng));
    expect(text).not.toMatch(/\{\{/);
    const rendered = renderSms({ text, options: optionsFor(lng, key) }, true);
    const budget = smsBudget(key);
    expect({ key, withinBudget: rendered.segments <= budget, encoding: rendered.encoding }).toEqual({
      key,
      withinBudget: true,
      encoding: 'GSM-7',
    });
  });
});

describe('segment counting and folding', () => {
  test('GSM-7 and UCS-2 boundaries (160/161, 70/71) and extension characters', () => {
    expect(smsCost('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsCost('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsCost('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsCost('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(smsCost('ç' + 'a'.repeat(69))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsCost('ç' + 'a'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(smsCost('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsCost('€'.repeat(81))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });

  test('one accent would turn a 150-character message into three segments; folding keeps it at one', () => {
    const text = 'Préço ã õ ê ' + 'a'.repeat(138);
    expect(smsCost(text).segments).toBe(3);
    const folded = foldToGsm(text);
    expect(folded.startsWith('Préco a o e ')).toBe(true);
    expect(smsCost(folded)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('characters GSM-7 already has (é, è, ñ, ü, ¿, ¡) are left alone', () => {
    expect(foldToGsm('Réf ¿Qué? ¡Año! über')).toBe('Réf ¿Qué? ¡Año! über');
  });

  test('with folding off, accents are kept and the real cost is counted', () => {
    const r = renderSms({ text: 'Você está cadastrado' }, false);
    expect(r).toMatchObject({ text: 'Você está cadastrado', encoding: 'UCS-2' });
  });
});
