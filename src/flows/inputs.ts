import { parseCurrency } from '../domain/currency';
import { LANGUAGE_NAMES, isLanguage, normaliseWord } from '../domain/language';
import { Mineral, parseMineral, parseUnit } from '../domain/minerals';
import { parseCount } from '../domain/reports';
import { parsePriceParts, tokenisePrice } from '../domain/price';
import { AskStep } from '../models/flowDefinition';

/** What reading an answer gave: answers to merge, or the key of the error to send. */
export type InputResult = { ok: true; answers: Record<string, unknown> } | { ok: false; error: string };

/** What an input parser may consult besides the text. */
export interface InputContext {
  /** Labels of the step's options in the contact's language, in order. */
  optionLabels: string[];
  /** Is this yes / no in any language? */
  yesNo(text: string): boolean | undefined;
  /** Is this the word for "anonymous" in any language? */
  anonymous(text: string): boolean;
}

function pickOption(step: AskStep, text: string, ctx: InputContext): string | undefined {
  const options = step.options ?? [];
  const t = text.trim();
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= options.length ? options[n - 1] : undefined;
  }
  const word = normaliseWord(t);
  const i = ctx.optionLabels.findIndex((l) => normaliseWord(l) === word);
  if (i >= 0) return options[i];
  return options.find((o) => normaliseWord(o) === word);
}

/** Reads a person's answer to an `ask` step. */
export function readInput(step: AskStep, text: string, ctx: InputContext): InputResult {
  const t = text.trim();
  switch (step.input) {
    case 'choice': {
      const v =
        pickOption(step, t, ctx) ??
        (step.options?.includes('anonymous') && ctx.anonymous(t) ? 'anonymous' : undefined);
      return v ? { ok: true, answers: { [step.save]: v } } : { ok: false, error: 'errors.choice' };
    }
    case 'language': {
      const v = pickOption(step, t, ctx) ?? languageFromWord(t);
      return v ? { ok: true, answers: { [step.save]: v } } : { ok: false, error: 'errors.choice' };
    }
    case 'mineral': {
      const v = pickOption(step, t, ctx) ?? parseMineral(t);
      return v ? { ok: true, answers: { [step.save]: v } } : { ok: false, error: 'errors.mineral' };
    }
    case 'yesno': {
      const v = t === '1' ? true : t === '2' ? false : ctx.yesNo(t);
      return v === undefined
        ? { ok: false, error: 'errors.yesno' }
        : { ok: true, answers: { [step.save]: v } };
    }
    case 'minerals': {
      const picked: Mineral[] = [];
      for (const tok of t.split(/[\s,;/+&]+|\b(?:and|et|na|y|e)\b/i).filter(Boolean)) {
        const v = (pickOption(step, tok, ctx) as Mineral | undefined) ?? parseMineral(tok);
        if (!v) return { ok: false, error: 'errors.minerals' };
        if (!picked.includes(v)) picked.push(v);
      }
      return picked.length
        ? { ok: true, answers: { [step.save]: picked } }
        : { ok: false, error: 'errors.minerals' };
    }
    case 'count': {
      const n = parseCount(t);
      return n === undefined
        ? { ok: false, error: 'errors.count' }
        : { ok: true, answers: { [step.save]: n } };
    }
    case 'karat': {
      const m = /^(\d{1,2})\s*(k|kt|karat|karats|carat|carats|carati|karati|quilates?|ct)?$/i.exec(t);
      const n = m ? Number(m[1]) : NaN;
      return n >= 1 && n <= 24
        ? { ok: true, answers: { [step.save]: n } }
        : { ok: false, error: 'errors.karat' };
    }
    case 'text': {
      const clean = t.replace(/\s+/g, ' ');
      return clean.length > 0 && clean.length <= step.maxLength
        ? { ok: true, answers: { [step.save]: clean } }
        : { ok: false, error: 'errors.text' };
    }
    case 'number': {
      const n = Number(t.replace(/[\s,]/g, ''));
      return /^\d/.test(t) && Number.isFinite(n) && n >= 0 && n < 1e9
        ? { ok: true, answers: { [step.save]: n } }
        : { ok: false, error: 'errors.count' };
    }
    case 'amount': {
      const parts = parsePriceParts(t);
      if (parts.amount === undefined || parts.unknown.length) return { ok: false, error: 'errors.amount' };
      const answers: Record<string, unknown> = { [step.save]: parts.amount };
      if (parts.currency) answers.currency = parts.currency;
      if (parts.unit) answers.unit = parts.unit;
      return { ok: true, answers };
    }
    case 'currencyUnit': {
      if (t === '1' || ctx.yesNo(t) === true) return { ok: true, answers: { acceptDefaults: true } };
      const answers: Record<string, unknown> = {};
      for (const tok of tokenisePrice(t)) {
        const lower = tok.toLowerCase();
        if (['/', 'per', 'par', 'kwa', 'por', 'le'].includes(lower)) continue;
        const c = !answers.currency ? parseCurrency(tok) : undefined;
        if (c) {
          answers.currency = c;
          continue;
        }
        const u = !answers.unit ? parseUnit(tok) : undefined;
        if (u) {
          answers.unit = u;
          continue;
        }
        return { ok: false, error: 'errors.currencyUnit' };
      }
      return Object.keys(answers).length
        ? { ok: true, answers }
        : { ok: false, error: 'errors.currencyUnit' };
    }
  }
}

const LANGUAGE_WORDS: Record<string, string> = {
  ENGLISH: 'en',
  ANGLAIS: 'en',
  KIINGEREZA: 'en',
  INGLES: 'en',
  FRANCAIS: 'fr',
  FRENCH: 'fr',
  KIFARANSA: 'fr',
  FRANCES: 'fr',
  KISWAHILI: 'sw',
  SWAHILI: 'sw',
  SUAHILI: 'sw',
  ESPANOL: 'es',
  SPANISH: 'es',
  CASTELLANO: 'es',
  ESPAGNOL: 'es',
  KIHISPANIA: 'es',
  ESPANHOL: 'es',
  PORTUGUES: 'pt',
  PORTUGUESE: 'pt',
  PORTUGAIS: 'pt',
  KIRENO: 'pt',
  PORTUGUESA: 'pt',
};

/** A language from its code or its name in any of the five languages (`fr`, `francais`, `kiswahili`). */
export function languageFromWord(word: string): string | undefined {
  const w = normaliseWord(word);
  if (isLanguage(w.toLowerCase())) return w.toLowerCase();
  if (LANGUAGE_WORDS[w]) return LANGUAGE_WORDS[w];
  const byName = Object.entries(LANGUAGE_NAMES).find(([, n]) => normaliseWord(n) === w);
  return byName?.[0];
}
