import { LANGUAGES, Language } from '../../domain/language';
import { numberVocabulary } from '../../domain/numberWords';
import { Segment, Speaker } from './speech';

/** Trees of labels the voice line reads inside its texts (a mineral named in a confirmation). */
const LABELS = ['minerals', 'incidents', 'privacy'];
const SPOKEN = /[\p{L}\p{N}]/u;

function leaves(tree: unknown, prefix: string): string[] {
  if (typeof tree === 'string') return [prefix];
  if (!tree || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Every clip the voice line can need in a language: the fixed pieces of each `voice.*`
 * text, the labels it reads (minerals, incidents), every word of its numbers and every
 * letter of a reference. What `npm run voice:audio` records and the prompt test checks.
 */
export function voiceClips(speaker: Speaker, lang: Language): Segment[] {
  const resources = speaker.translator.resources[lang] as Record<string, unknown>;
  const pieces = leaves(resources.voice, 'voice').flatMap((key) => speaker.pieces(lang, key));
  const labels = LABELS.flatMap((t) => leaves(resources[t], t)).map((key) => speaker.label(lang, key));
  const words = numberVocabulary(lang).map((w) => ({ lang, text: w, name: `words.${w}` }));
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => ({ lang, text: c, name: `letters.${c}` }));
  const seen = new Set<string>();
  return [...pieces, ...labels, ...words, ...letters].filter((s) => {
    if (!s.name || !SPOKEN.test(s.text) || seen.has(s.name)) return false;
    seen.add(s.name);
    return true;
  });
}

/** The languages whose prompts are played from audio (no `<Say>` voice speaks them). */
export function playedLanguages(say: Partial<Record<Language, string>>): Language[] {
  return LANGUAGES.filter((l) => !say[l]);
}
