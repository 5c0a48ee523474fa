import { findPoll, latestPollSentTo, recordPollAnswer } from '../../campaigns/polls';
import { normaliseWord } from '../../domain/language';
import { Poll } from '../../models';
import { Turn } from '../turn';

/**
 * Answers to polls: a number or an option's word in the person's language (or a tap on
 * Telegram) answers the latest poll they were sent, while it is open. A newer answer
 * replaces the older one; anything else they write is handled as usual.
 */

/** A typed answer: true when the text answered a poll (or was told it is closed). */
export async function typedPollAnswer(turn: Turn, text: string): Promise<boolean> {
  const t = text.trim();
  const isNumber = /^[1-9]$/.test(t);
  if (!isNumber && t.length > 40) return false;
  const poll = await latestPollSentTo(turn.store, turn.contact._id, turn.now);
  if (!poll) return false;
  const labels = poll.options.map((o) => turn.pick(o));
  const option = isNumber ? Number(t) : labels.findIndex((l) => normaliseWord(l) === normaliseWord(t)) + 1;
  if (!option || option > labels.length) return false;
  await answer(turn, poll, option);
  return true;
}

/** A tapped poll button. */
export async function tappedPollAnswer(turn: Turn, pollId: string, option: number): Promise<void> {
  const poll = await findPoll(turn.store, pollId);
  if (poll) await answer(turn, poll, option);
}

async function answer(turn: Turn, poll: Poll, option: number): Promise<void> {
  if (turn.now < poll.opensAt || turn.now > poll.closesAt) return turn.say('poll.closed');
  if (!(option >= 1 && option <= poll.options.length)) return;
  await recordPollAnswer(turn.store, poll, turn.contact, {
    option,
    channel: turn.source,
    at: turn.now,
  });
  turn.say('poll.thanks', { option: turn.pick(poll.options[option - 1]) });
}
