import fs from 'node:fs';
import path from 'node:path';
import { Language } from '../../domain/language';

/** Where the generated prompt audio lives: `locales/audio/<lang>/<name>.wav`, with `index.json` naming each clip's text. */
export const AUDIO_DIR = path.resolve(__dirname, '../../../locales/audio');

/** File types a human recording may have (Twilio's `<Play>` takes both). */
export const RECORDING_TYPES = ['.wav', '.mp3'] as const;

/** A clip name: a translation key and its piece (`voice.menu`, `voice.option.2`), a label, a word (`words.mia`), a letter. */
export const CLIP_NAME = /^[A-Za-z0-9_.-]{1,120}$/;

/** How long a listing of the recordings folder is trusted before it is read again. */
const LISTING_TTL_MS = 10_000;

/**
 * The audio the voice line can play, per language: clips generated from the locale texts
 * (shipped in `locales/audio/`, made by `npm run voice:audio`) and recordings staff put in
 * the recordings folder (`<VOICE_PROMPTS_DIR>/<lang>/<name>.wav|mp3`, or uploaded through
 * the API). A recording wins over everything; a generated clip counts only while its text
 * is the text the locale says now (a changed prompt is not played from stale audio).
 */
export class ClipLibrary {
  private manifests = new Map<string, Record<string, string>>();
  private listings = new Map<string, { at: number; files: Map<string, string> }>();

  constructor(
    /** Staff recordings; none when not set. */
    readonly recordingsDir?: string,
    readonly audioDir = AUDIO_DIR,
  ) {}

  /** The generated clips of a language: name → the text it says. */
  manifest(lang: Language): Record<string, string> {
    let m = this.manifests.get(lang);
    if (!m) {
      const file = path.join(this.audioDir, lang, 'index.json');
      m = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
      this.manifests.set(lang, m);
    }
    return m;
  }

  /** The recording staff made for a clip, if any: its file name in the recordings folder. */
  recording(lang: Language, name: string): string | undefined {
    if (!this.recordingsDir) return undefined;
    const now = Date.now();
    let listing = this.listings.get(lang);
    if (!listing || now - listing.at > LISTING_TTL_MS) {
      const dir = path.join(this.recordingsDir, lang);
      const files = new Map<string, string>();
      if (fs.existsSync(dir))
        for (const f of fs.readdirSync(dir)) {
          const ext = path.extname(f).toLowerCase();
          if ((RECORDING_TYPES as readonly string[]).includes(ext)) files.set(f.slice(0, -ext.length), f);
        }
      listing = { at: now, files };
      this.listings.set(lang, listing);
    }
    return listing.files.get(name);
  }

  /** Forgets the listing of the recordings folder (after an upload). */
  refresh(): void {
    this.listings.clear();
  }

  /** How a clip is heard: a staff recording, generated audio of this very text, or nothing playable. */
  source(lang: Language, name: string | undefined, text: string): 'recording' | 'generated' | undefined {
    if (!name) return undefined;
    if (this.recording(lang, name)) return 'recording';
    return this.manifest(lang)[name] === text ? 'generated' : undefined;
  }

  /** The file to serve for `<lang>/<file>`: a recording first, then generated audio; undefined when neither. */
  fileFor(lang: Language, file: string): string | undefined {
    const ext = path.extname(file).toLowerCase();
    const name = file.slice(0, -ext.length);
    if (!CLIP_NAME.test(name) || !(RECORDING_TYPES as readonly string[]).includes(ext)) return undefined;
    const recorded = this.recording(lang, name);
    if (recorded && recorded === file) return path.join(this.recordingsDir!, lang, recorded);
    if (ext !== '.wav' || recorded) return undefined;
    const generated = path.join(this.audioDir, lang, file);
    return this.manifest(lang)[name] !== undefined && fs.existsSync(generated) ? generated : undefined;
  }

  /** The path a clip is served at (relative to the service's public address). */
  url(lang: Language, name: string): string {
    return `/voice/audio/${lang}/${this.recording(lang, name) ?? `${name}.wav`}`;
  }
}
