import { randomInt } from 'node:crypto';
import { DuplicateKey } from '../domain/errors';
import { Contact } from '../models';
import type { FlowEngine, Turn } from './engine';
import { Store } from '../store/types';

const CODE_TTL_MS = 10 * 60_000;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60 * 60_000;

/**
 * `LINK`: one person, several addresses. `LINK` on one channel gives a six-digit code
 * valid ten minutes; sending `LINK <code>` (or `/link <code>`) on the other joins the two
 * contacts into one, keeping reports, language and opt-out state. Five wrong codes in an
 * hour block further tries, so codes cannot be guessed.
 */
export class LinkActions {
  constructor(private engine: FlowEngine) {}

  async link(turn: Turn, rest: string): Promise<void> {
    const code = /^\d{6}$/.exec(rest.replace(/\s+/g, ''))?.[0];
    return code ? this.redeem(turn, code) : this.issue(turn);
  }

  private async issue(turn: Turn): Promise<void> {
    const codes = turn.store.collection('linkCodes');
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      try {
        await codes.insertOne({
          _id: `code:${code}`,
          contactId: turn.contact._id,
          expiresAt: new Date(turn.now.getTime() + CODE_TTL_MS),
        });
        return this.engine.say(turn, 'link.code', { code });
      } catch (err) {
        if (!(err instanceof DuplicateKey)) throw err;
      }
    }
    throw new Error('no free link code');
  }

  private async redeem(turn: Turn, code: string): Promise<void> {
    const codes = turn.store.collection('linkCodes');
    const failKey = `fail:${turn.contact._id}`;
    const fails = await codes.findOne({ _id: failKey, expiresAt: { $gt: turn.now } });
    if (fails && fails.failures >= MAX_FAILURES) return this.engine.say(turn, 'link.blocked');

    const found = await codes.findOne({ _id: `code:${code}`, expiresAt: { $gt: turn.now } });
    if (!found || found.contactId === turn.contact._id) {
      if (found) return this.engine.say(turn, 'link.same');
      await codes.updateOne(
        { _id: failKey },
        {
          $inc: { failures: 1 },
          $setOnInsert: {
            contactId: turn.contact._id,
            expiresAt: new Date(turn.now.getTime() + FAILURE_WINDOW_MS),
          },
        },
        { upsert: true },
      );
      return this.engine.say(turn, 'link.wrong');
    }
    const keep = await turn.store.collection('contacts').findOne({ _id: found.contactId });
    if (!keep) return this.engine.say(turn, 'link.wrong');
    await codes.deleteOne({ _id: found._id });
    const merged = await this.merge(turn.store, keep, turn.contact);
    turn.contact = merged;
    turn.lang = this.engine.languageOf(merged);
    this.engine.say(turn, 'link.done');
  }

  /** Moves everything of `from` onto `keep`, then removes `from`. */
  private async merge(s: Store, keep: Contact, from: Contact): Promise<Contact> {
    await s.collection('reports').updateMany({ contactId: from._id }, { $set: { contactId: keep._id } });
    await s.collection('outbound').updateMany({ contactId: from._id }, { $set: { contactId: keep._id } });
    // free the addresses' unique keys before they move
    await s.collection('contacts').updateOne({ _id: from._id }, { $set: { addresses: [] } });
    const set: Record<string, unknown> = { optedOut: keep.optedOut || from.optedOut };
    if (!keep.language && from.language)
      Object.assign(set, { language: from.language, languageSource: from.languageSource });
    for (const k of ['role', 'site', 'region', 'country'] as const) if (!keep[k] && from[k]) set[k] = from[k];
    if (from.registration === 'complete') set.registration = 'complete';
    if (set.optedOut && !keep.optedOut) set.optedOutAt = from.optedOutAt ?? new Date();
    const merged = await s.collection('contacts').findOneAndUpdate(
      { _id: keep._id },
      {
        $set: set,
        $push: { addresses: { $each: from.addresses } },
        $addToSet: { minerals: { $each: from.minerals ?? [] } },
        $min: { firstSeenAt: from.firstSeenAt },
      },
    );
    await s.collection('sessions').deleteOne({ _id: from._id });
    await s.collection('contacts').deleteOne({ _id: from._id });
    return merged!;
  }
}
