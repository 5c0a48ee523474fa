import { pickText } from '../../i18n/texts';
import {
  answerHelped,
  findQuestion,
  findSimilarAnswer,
  followUp,
  openQuestion,
} from '../../knowledge/questions';
import { Turn } from '../turn';

/** Before a person waits: a published answer to a similar question, offered with "does this help?". */
async function offerAnswer(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  const found = await findSimilarAnswer(turn.store, String(a.question ?? ''), turn.lang);
  a.hasOffer = !!found;
  if (!found) return;
  a.offerId = found._id;
  a.offered = pickText(found.answer, turn.lang, turn.settings.defaultLanguage);
}

/** The offered answer helped: counted, and the person is thanked; no question waits. */
async function helped(turn: Turn): Promise<void> {
  const id = turn.session.answers.offerId;
  if (typeof id === 'string') await answerHelped(turn.store, id);
  turn.say('questions.glad');
}

/**
 * The question waits for someone who knows, with a reference. Anonymous: nothing of the
 * sender stays with it (their messages of this conversation are erased once handled), and
 * the answer is read with `STATUS Q-…`.
 */
async function open(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  const anonymous = a.privacy === 'anonymous';
  const text = String(a.question ?? '');
  const q = await openQuestion(turn.store, {
    contact: turn.contact,
    anonymous,
    text,
    lang: turn.lang,
    channel: turn.inbound.channel,
    topics: turn.kit.words.topicsIn(text),
    now: turn.now,
  });
  if (anonymous)
    turn.anonymised = { inboundIds: [...new Set([...turn.session.inboundIds, turn.inbound._id])] };
  turn.say(
    anonymous ? 'questions.openedAnonymous' : 'questions.opened',
    { ref: q.reference },
    {
      redactAfterSend: anonymous,
    },
  );
}

/** `STATUS Q-…`: where one's question is, or the answer to an anonymous one. */
export async function questionStatus(turn: Turn, ref: string): Promise<void> {
  const q = await findQuestion(turn.store, ref);
  const visible = q && (q.anonymous || q.contactId === turn.contact._id);
  if (!visible) return turn.say('status.notFound', { ref });
  const last = [...q.thread].reverse().find((m) => m.from === 'staff');
  if (q.state === 'answered' && last)
    return turn.say(q.anonymous ? 'questions.answerAnonymous' : 'questions.answer', { ref, text: last.text });
  turn.say(q.state === 'closed' ? 'questions.closed' : 'questions.waiting', { ref });
}

/**
 * A message after an answer, within the reply window, continues the asker's question
 * (the line could not read it as anything else). False when no question is open.
 */
export async function continueQuestion(turn: Turn, text: string): Promise<boolean> {
  const q = await followUp(turn.store, turn.contact._id, text, turn.now);
  if (!q) return false;
  turn.end();
  turn.say('questions.added', { ref: q.reference });
  return true;
}

/** Flow actions of asking someone who knows (`definitions/question.ts`). */
export const questionActions = { offerAnswer, answerHelped: helped, openQuestion: open };
