import { Mineral, defaultUnitFor } from '../domain/minerals';
import { market } from './actions/market';
import { askDirectory } from './actions/knowledge';
import { continueQuestion } from './actions/questions';
import { PriceReading, Reading, readMessage } from './reader';
import { FlowControl, Turn } from './turn';

/** What the reader makes of a message from this contact (their currency for shared words). */
export function readTurn(turn: Turn, text: string): Reading {
  return readMessage(text, { keywords: turn.kit.vocabulary, localCurrency: turn.currency() });
}

/**
 * The answers a price reading fills in the price flow. Read with confidence, it is
 * confirmed already (stored at once, unless far from recent prices); read with a guess, the
 * flow asks "is this right?" once, and a "no" starts the guided questions with the mineral.
 */
export function priceAnswers(
  turn: Turn,
  reading: Extract<Reading, { kind: 'price' }>,
): Record<string, unknown> {
  const p = reading.parts;
  const sure = reading.guesses.length === 0;
  return {
    mineral: p.mineral,
    amount: p.amount,
    currency: p.currency ?? (sure ? null : turn.currency()),
    unit: p.unit ?? defaultUnitFor(p.mineral),
    purity: p.purity ?? null,
    placeOfSale: p.placeOfSale ?? null,
    ...(sure ? { confirmed: true } : { guessed: true }),
  };
}

/**
 * A message that is neither a keyword nor an answer: a price written freely is read (and
 * confirmed when the reader had to guess), a question about a mineral gets the market.
 * False when the message says neither.
 */
export async function understand(turn: Turn, text: string, flows: FlowControl): Promise<boolean> {
  const reading = readTurn(turn, text);
  if (reading.kind === 'question') {
    turn.end();
    await market(turn, reading.mineral);
    return true;
  }
  if (reading.kind === 'price') {
    turn.end();
    await flows.start(turn, 'price', priceAnswers(turn, reading));
    return true;
  }
  // "who helps with permits?", "kuna mafunzo ya usalama?": the directory
  const words = turn.kit.words;
  if (words.asksEvents(text)) {
    await askDirectory(turn, text, true);
    return true;
  }
  if (words.asksHelp(text) && words.topicsIn(text).length) {
    await askDirectory(turn, text, false);
    return true;
  }
  // a reply to the answer of one's question
  return continueQuestion(turn, text);
}

/**
 * "Not understood", with the closest thing the person may have meant: the one-SMS price
 * form in their language, built from what the message named (mineral, amount, currency,
 * unit) and their defaults for the rest.
 */
export function notUnderstood(turn: Turn, text: string): void {
  const reading = readTurn(turn, text);
  const found: PriceReading = reading.kind === 'none' ? reading.found : {};
  // the number they wrote, when it looks meant as a price ("cassitérite 45000"), not "30 metres"
  const meant =
    reading.kind === 'none' &&
    found.mineral &&
    (found.currency || reading.found.priceWord || !reading.found.unexplained);
  const mineral: Mineral = found.mineral ?? (turn.contact.minerals?.[0] as Mineral | undefined) ?? 'gold';
  turn.say('replies.unknownHint', {
    word: turn.t(`minerals.${mineral}`).toUpperCase(),
    amount: meant && found.amount !== undefined ? String(found.amount) : '250000',
    currency: found.currency ?? turn.currency(),
    unit: (found.unit ?? defaultUnitFor(mineral)).toUpperCase(),
  });
}
