import { LANGUAGES, normaliseWord } from '../../src/domain/language';
import { Translator } from '../../src/i18n';
import { KEYWORDS } from '../../src/flows/words';

const translator = new Translator('en');

describe('keyword words', () => {
  test.each(LANGUAGES)('in %s, no word means two things (a word for STOP stays STOP)', (lng) => {
    const meanings = new Map<string, Set<string>>();
    for (const kw of KEYWORDS) {
      const words = translator.raw(lng, `keywords.${kw}`);
      for (const w of Array.isArray(words) ? words : []) {
        const key = normaliseWord(String(w));
        meanings.set(key, new Set([...(meanings.get(key) ?? []), kw]));
      }
    }
    const twice = [...meanings].filter(([, kws]) => kws.size > 1).map(([w, kws]) => [w, [...kws]]);
    // UNSUBSCRIBE is an opt-out word at the carriers: it stops everything, as STOP does
    expect(twice).toEqual(lng === 'en' ? [['UNSUBSCRIBE', ['stop', 'unsub']]] : []);
  });

  test('QUIT and the carriers’ other opt-out words stop everything; lessons are left with LEAVE', () => {
    const en = (kw: string) => (translator.raw('en', `keywords.${kw}`) as string[]).map(normaliseWord);
    expect(en('stop')).toEqual(expect.arrayContaining(['STOP', 'QUIT']));
    expect(en('quit')).toEqual(['LEAVE']);
  });
});
