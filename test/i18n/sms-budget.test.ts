import { LANGUAGES } from '../../src/domain/language';
import { foldToGsm, smsCost } from '../../src/domain/sms';
import { leafKeys, renderEverySmsString } from '../../src/flows/smsStrings';
import { Translator } from '../../src/i18n';
import { renderSms } from '../../src/i18n/render';

const translator = new Translator('en');

describe('every SMS the line sends fits its segment budget (one unless stated), in every language, with worst-case values', () => {
  test('every language has the same keys as English', () => {
    const en = new Set(leafKeys(translator.resources.en));
    for (const lng of LANGUAGES) expect(new Set(leafKeys(translator.resources[lng]))).toEqual(en);
  });

  const rows = renderEverySmsString(translator);
  test('there are strings to check in every language', () => {
    expect(rows.length).toBeGreaterThan(50 * LANGUAGES.length);
  });

  test.each(rows.map((r) => [r.lng, r.key, r] as const))('%s %s', (_lng, key, r) => {
    expect(r.text).not.toMatch(/\{\{/);
    expect({ key, withinBudget: r.segments <= r.budget, encoding: r.encoding }).toEqual({
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
