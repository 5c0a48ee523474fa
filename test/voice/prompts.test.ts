import fs from 'node:fs';
import path from 'node:path';
import { keypadDigits, referencesTyped } from '../../src/domain/keypad';
import { newReference } from '../../src/domain/ids';
import { LANGUAGES } from '../../src/domain/language';
import { numberWords } from '../../src/domain/numberWords';
import { BUILTIN_FLOWS } from '../../src/flows/definitions';
import { Translator } from '../../src/i18n';
import { AUDIO_DIR, ClipLibrary } from '../../src/flows/voice/clips';
import { voiceClips } from '../../src/flows/voice/catalog';
import { SPOKEN_REPLY_KEYS, promptKey } from '../../src/flows/voice/prompts';
import { SAY_LANGUAGES, Speaker } from '../../src/flows/voice/speech';
import { AskStep } from '../../src/models/flowDefinition';

const translator = new Translator('en');
const speaker = new Speaker(translator, new ClipLibrary());
/** The flows the keypad menu reaches. */
const VOICE_FLOWS = ['price', 'incident', 'market', 'status', 'language'];

describe('every prompt can be heard in every language', () => {
  test.each(LANGUAGES)(
    '%s: every clip is said by <Say> or played from audio made from its current text',
    (lang) => {
      const clips = voiceClips(speaker, lang);
      expect(clips.length).toBeGreaterThan(100);
      if (SAY_LANGUAGES[lang]) return;
      const index = JSON.parse(fs.readFileSync(path.join(AUDIO_DIR, lang, 'index.json'), 'utf8')) as Record<
        string,
        string
      >;
      const stale = clips.filter(
        (c) => index[c.name!] !== c.text || !fs.existsSync(path.join(AUDIO_DIR, lang, `${c.name}.wav`)),
      );
      // after a text changes: npm run voice:audio
      expect(stale.map((c) => `${c.name}: ${c.text}`)).toEqual([]);
      const extra = Object.keys(index).filter((name) => !clips.some((c) => c.name === name));
      expect(extra).toEqual([]);
    },
  );

  test.each(LANGUAGES)(
    '%s: every question of the keypad menus and every reply has its spoken text',
    (lang) => {
      const keys = [
        ...VOICE_FLOWS.flatMap((id) =>
          BUILTIN_FLOWS[id].steps
            // a place typed as text is skipped, the currency and unit are asked one by one (below)
            .filter((s): s is AskStep => s.type === 'ask')
            .filter((s) => !(s.input === 'text' && s.skippable) && s.input !== 'currencyUnit')
            .map((s) => promptKey(BUILTIN_FLOWS[id], s)),
        ),
        ...SPOKEN_REPLY_KEYS,
        'voice.price.currency',
        'voice.price.unit',
        'voice.incident.describe',
        'voice.incident.record',
      ];
      const missing = keys.filter((k) => translator.raw(lang, k) === undefined);
      expect(missing).toEqual([]);
    },
  );

  test('a generated clip is a telephone-quality WAV file', () => {
    const file = path.join(AUDIO_DIR, 'sw', 'voice.menu.wav');
    const head = fs.readFileSync(file).subarray(0, 36);
    expect(head.toString('ascii', 0, 4)).toBe('RIFF');
    expect(head.toString('ascii', 8, 12)).toBe('WAVE');
    expect(head.readUInt16LE(20)).toBe(7); // mu-law
    expect(head.readUInt32LE(24)).toBe(8000);
  });
});

describe('numbers read in each language', () => {
  test.each([
    [250000, 'fr', 'deux cent cinquante mille'],
    [280000, 'fr', 'deux cent quatre-vingt mille'],
    [80, 'fr', 'quatre-vingts'],
    [71, 'fr', 'soixante-et-onze'],
    [1500, 'fr', 'mille cinq cents'],
    [250000, 'en', 'two hundred and fifty thousand'],
    [61.5, 'en', 'sixty one point five'],
    [250000, 'sw', 'elfu mia mbili na hamsini'],
    [1234567, 'sw', 'milioni moja elfu mia mbili thelathini na nne mia tano sitini na saba'],
    [17, 'sw', 'kumi na saba'],
    [61.5, 'sw', 'sitini na moja nukta tano'],
    [21000, 'es', 'veintiún mil'],
    [100, 'es', 'cien'],
    [1000000, 'es', 'un millón'],
    [2500000, 'es', 'dos millones quinientos mil'],
    [1500, 'pt', 'mil e quinhentos'],
    [250000, 'pt', 'duzentos e cinquenta mil'],
    [2000000, 'pt', 'dois milhões'],
    [0, 'pt', 'zero'],
  ] as const)('%d in %s: %s', (n, lang, words) => {
    expect(numberWords(n, lang).join(' ')).toBe(words);
  });
});

describe('references typed on the keypad', () => {
  test('each letter by the key that carries it', () => {
    expect(keypadDigits('R-4K7Q2')).toBe('45772');
  });
  test('a typed reference is found among the references its keys stand for', () => {
    for (let i = 0; i < 200; i++) {
      const ref = newReference('incident');
      expect(referencesTyped(keypadDigits(ref))).toContain(ref.slice(2));
    }
  });
  test('keys that carry no sign of a reference stand for none', () => {
    expect(referencesTyped('12345')).toEqual([]);
    expect(referencesTyped('2345')).toEqual([]);
  });
});
