import { isLanguage } from '../domain/language';
import { link } from './actions/link';
import { market, status } from './actions/market';
import { askDirectory, go, more } from './actions/knowledge';
import { learn, next, stop as stopSeries } from './actions/series';
import { restart, setLanguage, setSite, stop, subscribe } from './actions/profile';
import { oneShot } from './actions/reports';
import { languageFromWord } from './inputs';
import { priceAnswers, readTurn } from './understand';
import { FlowControl, Turn } from './turn';
import { Keyword, KeywordMatch } from './words';

/** What a keyword does, given the turn, what followed the keyword, and the engine's flow control. */
export type KeywordHandler = (turn: Turn, kw: KeywordMatch, flows: FlowControl) => Promise<void> | void;

/** `HELP`, `MENU`: the menu, ending whatever was running. */
const menu: KeywordHandler = (turn) => {
  turn.end();
  turn.say('replies.help');
};

/** An answer word (yes, no, skip, anon) outside a question: a poll's option, or not understood. */
const answerWord: KeywordHandler = (turn, _kw, flows) => flows.answerOpen(turn, turn.inbound.text.trim());

/** A word of one language only (`MATUKIO`, `PRIX`): the person is answered in it, unless they chose one. */
async function adoptLanguage(turn: Turn, kw: KeywordMatch): Promise<void> {
  if (kw.languages.length === 1 && turn.contact.languageSource !== 'explicit')
    await setLanguage(turn, kw.languages[0], 'inferred');
}

/** A directory keyword (`HELP MERCURY`, `EVENTS`, `MORE`, `GO`), in the language it was written in. */
const directory =
  (ask: (turn: Turn, kw: KeywordMatch) => Promise<void>): KeywordHandler =>
  async (turn, kw) => {
    await adoptLanguage(turn, kw);
    return ask(turn, kw);
  };

/**
 * A report keyword: its language may become the contact's; then `PRICE GOLD?` answers with
 * market prices, and a report starts its flow with whatever the message already said
 * (a complete one-SMS report is stored at once).
 */
export const report: KeywordHandler = async (turn, kw, flows) => {
  await adoptLanguage(turn, kw);
  turn.end();
  if (kw.keyword === 'price') {
    // the reader finds the parts among filler words, number words and typos
    const reading = readTurn(turn, turn.inbound.text);
    if (kw.question || reading.kind === 'question') {
      const named = reading.kind === 'question' ? reading.mineral : undefined;
      // no mineral named and none in the profile: asked, from the list
      if (!named && !turn.contact.minerals?.length) return flows.start(turn, 'market');
      return market(turn, named);
    }
    if (reading.kind === 'price') return flows.start(turn, 'price', priceAnswers(turn, reading));
  }
  const prefill = oneShot(kw.keyword as 'price' | 'issue' | 'incident', kw.rest, (w) =>
    turn.isWord(w, 'anon'),
  );
  return flows.start(turn, kw.keyword, prefill);
};

/**
 * Every keyword and what it does, once a message is known to start with it. The engine
 * decides before this table is read: `STOP` always wins, an opted-out person is only
 * heard for `START`, and a number answers the question on screen.
 */
export const KEYWORD_HANDLERS: Readonly<Record<Keyword, KeywordHandler>> = {
  stop: (turn) => stop(turn),
  start: (turn) => turn.say('replies.startAlready'),
  // `HELP` alone is the menu; `HELP MERCURY` asks the directory
  help: (turn, kw, flows) =>
    kw.rest ? directory((t) => askDirectory(t, kw.rest, false))(turn, kw, flows) : menu(turn, kw, flows),
  menu,
  cancel: (turn) => {
    turn.end();
    turn.say('replies.cancel');
  },
  lang: async (turn, kw, flows) => {
    const chosen = kw.rest ? languageFromWord(kw.rest) : undefined;
    if (!chosen || !isLanguage(chosen)) return flows.start(turn, 'language');
    turn.end();
    await setLanguage(turn, chosen, 'explicit');
    turn.say('flows.language.done.say');
  },
  price: report,
  issue: report,
  incident: report,
  status: (turn, kw, flows) => {
    turn.end();
    // `STATUS` alone asks for the reference
    if (!kw.rest.trim()) return flows.start(turn, 'status');
    return status(turn, kw.rest);
  },
  link: (turn, kw) => {
    turn.end();
    return link(turn, kw.rest);
  },
  sub: (turn) => {
    turn.end();
    return subscribe(turn, true);
  },
  unsub: (turn) => {
    turn.end();
    return subscribe(turn, false);
  },
  profile: (turn, _kw, flows) => flows.start(turn, 'registration'),
  skip: answerWord,
  yes: answerWord,
  no: answerWord,
  anon: answerWord,
  events: directory((turn, kw) => askDirectory(turn, kw.rest, true)),
  more: directory(more),
  go: directory(go),
  learn: directory((turn, kw) => learn(turn, kw.rest)),
  pause: directory((turn) => stopSeries(turn, 'paused')),
  quit: directory((turn) => stopSeries(turn, 'quit')),
  next: async (turn, kw, flows) => {
    await adoptLanguage(turn, kw);
    return next(turn, flows);
  },
  // `ASK how do I …`, `ASK ANON …`, or `ASK` alone: the question flow
  ask: async (turn, kw, flows) => {
    await adoptLanguage(turn, kw);
    turn.end();
    const [first, ...others] = kw.rest.split(/\s+/);
    const anon = !!first && turn.isWord(first, 'anon');
    const question = (anon ? others.join(' ') : kw.rest).trim();
    return flows.start(turn, 'question', {
      ...(question ? { question: question.slice(0, 320) } : {}),
      ...(anon ? { privacy: 'anonymous' } : {}),
    });
  },
};

/**
 * A chat opened with `/start` (Telegram): a `site_<code>` payload pre-fills the site (a
 * QR code per mine site); then a welcome for a new contact, opt-in for one who had
 * stopped, the menu otherwise.
 */
export async function chatStart(turn: Turn, payload: string | undefined, flows: FlowControl): Promise<void> {
  const site = payload && /^site_([A-Za-z0-9-]{1,40})$/.exec(payload)?.[1];
  if (site) await setSite(turn, site);
  if (turn.contact.optedOut) return restart(turn);
  if (turn.created) return flows.start(turn, 'welcome');
  turn.end();
  return turn.say('replies.help');
}
