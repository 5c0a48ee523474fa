import { issueLinkCode, redeemLinkCode } from '../../contacts/link';
import { Turn } from '../turn';

/**
 * `LINK`: one person, several addresses. `LINK` on one channel gives a six-digit code
 * valid ten minutes; `LINK <code>` (or `/link <code>`) on the other joins the two contacts.
 */
export async function link(turn: Turn, rest: string): Promise<void> {
  const code = /^\d{6}$/.exec(rest.replace(/\s+/g, ''))?.[0];
  if (!code)
    return turn.say('link.code', { code: await issueLinkCode(turn.store, turn.contact._id, turn.now) });
  const r = await redeemLinkCode(turn.store, turn.contact, code, turn.now);
  if (r.outcome !== 'done') return turn.say(`link.${r.outcome}`);
  turn.contact = r.merged;
  turn.lang = turn.languageOf(r.merged);
  turn.say('link.done');
}
