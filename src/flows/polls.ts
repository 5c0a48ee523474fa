import { normaliseWord } from '../domain/language';
import { Poll } from '../models';
import type { FlowEngine, Turn } from './engine';

const RECENT_POLL_DAYS = 30;

/**
 * Answers to polls: a number or an option's word in the person's language (or a tap on
 * Telegram) answers the latest poll they were sent, while it is open. A newer answer
 * replaces the older one; anything else they write is handled as usual.
 */
export class PollActions {
  constructor(private engine: FlowEngine) {}

  /** The latest poll sent to this contact, if any in the last month. */
  private async latestPoll(turn: Turn): Promise<Poll | undefined> {
    const since = new Date(turn.now.getTime() - RECENT_POLL_DAYS * 86_400_000);
    const recent = await turn.store
      .collection('outbound')
      .find(
        { contactId: turn.contact._id, broadcastId: { $exists: true }, createdAt: { $gte: since } },
        { sort: { createdAt: -1 }, limit: 10, projection: { broadcastId: 1 } },
      );
    for (const m of recent) {
      const poll = await turn.store.collection('polls').findOne({ broadcastId: m.broadcastId });
      if (poll) return poll;
    }
    return undefined;
  }

  private labels(turn: Turn, poll: Poll): string[] {
    const fallback = this.engine.deps.settings.defaultLanguage;
    return poll.options.map((o) => o[turn.lang] ?? o[fallback] ?? o.en ?? Object.values(o)[0]);
  }

  /** A typed answer: true when the text answered a poll (or was told it is closed). */
  async tryTyped(turn: Turn, text: string): Promise<boolean> {
    const t = text.trim();
    const isNumber = /^[1-9]$/.test(t);
    if (!isNumber && t.length > 40) return false;
    const poll = await this.latestPoll(turn);
    if (!poll) return false;
    const labels = this.labels(turn, poll);
    const option = isNumber ? Number(t) : labels.findIndex((l) => normaliseWord(l) === normaliseWord(t)) + 1;
    if (!option || option > labels.length) return false;
    await this.answer(turn, poll, option);
    return true;
  }

  /** A tapped button `p:<pollId>:<n>`. */
  async tapped(turn: Turn, data: string): Promise<void> {
    const [, pollId, n] = data.split(':');
    const poll = await turn.store.collection('polls').findOne({ _id: pollId });
    if (!poll) return;
    await this.answer(turn, poll, Number(n));
  }

  private async answer(turn: Turn, poll: Poll, option: number): Promise<void> {
    if (turn.now < poll.opensAt || turn.now > poll.closesAt) return this.engine.say(turn, 'poll.closed');
    const labels = this.labels(turn, poll);
    if (!(option >= 1 && option <= labels.length)) return;
    await turn.store.collection('pollAnswers').updateOne(
      { _id: `${poll._id}:${turn.contact._id}` },
      {
        $set: {
          pollId: poll._id,
          contactId: turn.contact._id,
          option,
          region: turn.contact.region,
          role: turn.contact.role,
          channel: turn.inbound.channel,
          answeredAt: turn.now,
        },
      },
      { upsert: true },
    );
    this.engine.say(turn, 'poll.thanks', { option: labels[option - 1] });
  }
}
