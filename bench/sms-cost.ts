import { renderEverySmsString } from '../src/flows/smsStrings';
import { Translator } from '../src/i18n';
import { BenchResult } from './types';

/**
 * sms-cost: every SMS string of every locale with worst-case values. The baseline is
 * one segment a message; the value is the mean segments actually needed.
 */
export async function smsCostBench(): Promise<BenchResult> {
  const rows = renderEverySmsString(new Translator('en'));
  const mean = rows.reduce((a, r) => a + r.segments, 0) / rows.length;
  const overBudget = rows.filter((r) => r.segments > r.budget);
  const maxUnbudgeted = Math.max(...rows.filter((r) => r.budget === 1).map((r) => r.segments));
  return {
    bench: 'sms-cost',
    value: Math.round(mean * 1000) / 1000,
    baseline: 1,
    ratio: Math.round(mean * 1000) / 1000,
    target: 'mean <= 1.05, max 1 (except strings allowed 2)',
    unit: 'segments/message',
    met: mean <= 1.05 && maxUnbudgeted === 1 && overBudget.length === 0,
    details: {
      strings: rows.length,
      max: Math.max(...rows.map((r) => r.segments)),
      maxWhereBudgetIsOne: maxUnbudgeted,
      overBudget: overBudget.map((r) => `${r.lng} ${r.key}`),
      ucs2: rows.filter((r) => r.encoding !== 'GSM-7').length,
    },
  };
}
