import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Language } from '../domain/language';
import { Translator } from '../i18n';
import { AUDIO_DIR, ClipLibrary } from '../flows/voice/clips';
import { playedLanguages, voiceClips } from '../flows/voice/catalog';
import { SAY_LANGUAGES, Speaker } from '../flows/voice/speech';

/**
 * `npm run voice:audio`: records the voice line's prompts for the languages Twilio's `<Say>`
 * does not speak (Swahili) with espeak-ng, a speech synthesiser from Debian's packages
 * (`apt install espeak-ng sox`), as 8 kHz mu-law WAV (telephone quality, small) in
 * `locales/audio/<lang>/<clip>.wav`, with `index.json` naming the text of each clip.
 * Only clips whose text changed are made again; clips no text uses any more are removed.
 * `--all` records the `<Say>` languages too (for a deployment that prefers audio).
 */

const ESPEAK_VOICES: Record<Language, string> = {
  en: 'en-gb',
  fr: 'fr-fr',
  sw: 'sw',
  es: 'es-419',
  pt: 'pt',
};

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function synthesise(lang: Language, text: string, out: string, tmp: string): void {
  const spoken = text.replace(/^[\s,.:;!?]+|[\s,:;]+$/g, '');
  const raw = path.join(tmp, 'raw.wav');
  execFileSync('espeak-ng', ['-v', ESPEAK_VOICES[lang], '-s', '140', '-w', raw, spoken]);
  execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-e', 'u-law', out]);
}

function main(): void {
  if (!has('espeak-ng') || !has('sox')) {
    console.error('voice:audio needs espeak-ng and sox: apt install espeak-ng sox');
    process.exit(1);
  }
  const all = process.argv.includes('--all');
  const speaker = new Speaker(new Translator('en'), new ClipLibrary());
  const langs = all ? (['en', 'fr', 'sw', 'es', 'pt'] as Language[]) : playedLanguages(SAY_LANGUAGES);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chimba-voice-'));
  for (const lang of langs) {
    const dir = path.join(AUDIO_DIR, lang);
    fs.mkdirSync(dir, { recursive: true });
    const indexFile = path.join(dir, 'index.json');
    const before = fs.existsSync(indexFile)
      ? (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Record<string, string>)
      : {};
    const index: Record<string, string> = {};
    let made = 0;
    for (const clip of voiceClips(speaker, lang)) {
      const file = path.join(dir, `${clip.name}.wav`);
      if (before[clip.name!] !== clip.text || !fs.existsSync(file)) {
        synthesise(lang, clip.text, file, tmp);
        made++;
      }
      index[clip.name!] = clip.text;
    }
    let removed = 0;
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.wav') && index[f.slice(0, -4)] === undefined) {
        fs.unlinkSync(path.join(dir, f));
        removed++;
      }
    }
    const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
    fs.writeFileSync(indexFile, `${JSON.stringify(sorted, null, 2)}\n`);
    console.log(`${lang}: ${Object.keys(index).length} clips (${made} made, ${removed} removed)`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

main();
