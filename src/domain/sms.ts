import { SegmentedMessage } from 'sms-segments-calculator';

/** How an SMS text will travel: its encoding and how many segments it costs. */
export interface SmsCost {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  length: number;
}

/** GSM 03.38's basic table: one septet each. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Its extension table: two septets each (an escape, then the character). */
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/**
 * Counts segments with Twilio's calculator (GSM-7 with its extension table, or UCS-2). A
 * GSM-7 text that fits one segment (what almost every reply is) is counted directly: the
 * calculator splits graphemes and is the costliest step of a reply.
 */
export function smsCost(text: string): SmsCost {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm && septets <= 160) return { encoding: 'GSM-7', segments: 1, length: text.length };
  const m = new SegmentedMessage(text);
  return {
    encoding: m.encodingName as SmsCost['encoding'],
    segments: m.segmentsCount,
    length: text.length,
  };
}

// Characters outside GSM-7 that people write in fr/sw/es/pt, and their nearest GSM-7 neighbour.
// GSM-7 itself has é è ù ì ò Ç É Ñ ñ Ü ü Ö ö Ä ä à ¿ ¡, so those stay.
/** Characters outside GSM-7 and the GSM-7 text each folds to (the dashboard's counter folds the same way). */
export const GSM_FOLDS: Readonly<Record<string, string>> = {
  á: 'a',
  â: 'a',
  ã: 'a',
  ç: 'c',
  ê: 'e',
  ë: 'e',
  í: 'i',
  î: 'i',
  ï: 'i',
  ó: 'o',
  ô: 'o',
  õ: 'o',
  ú: 'u',
  û: 'u',
  ÿ: 'y',
  œ: 'oe',
  Á: 'A',
  Â: 'A',
  Ã: 'A',
  À: 'A',
  Ê: 'E',
  È: 'E',
  Ë: 'E',
  Í: 'I',
  Î: 'I',
  Ï: 'I',
  Ó: 'O',
  Ô: 'O',
  Õ: 'O',
  Ú: 'U',
  Û: 'U',
  Ù: 'U',
  Œ: 'OE',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '₵': 'C',
  '₱': 'P',
  '•': '-',
};

/**
 * Replaces characters that would force UCS-2 (70 characters a segment) with their
 * GSM-7 neighbours, so one accent never triples what a message costs.
 */
export function foldToGsm(text: string): string {
  let out = '';
  for (const ch of text) out += GSM_FOLDS[ch] ?? ch;
  return out;
}
