import { Mineral } from '../../domain/minerals';
import { parseReference } from '../../domain/reports';
import { reportByReference } from '../../reports/store';
import { marketMessage } from '../../stats/market';
import { Turn } from '../turn';
import { questionStatus } from './questions';

/** `PRICE GOLD?`: the latest reference price staff published and the median of recent local reports. */
export async function market(turn: Turn, named: Mineral | undefined): Promise<void> {
  const mineral = named ?? (turn.contact.minerals?.[0] as Mineral | undefined);
  if (!mineral) return turn.say('market.which');
  const { key, vars } = await marketMessage(turn.store, {
    mineral,
    region: turn.contact.region,
    country: turn.contact.country,
    currency: turn.currency(),
    lang: turn.lang,
    now: turn.now,
    mineralName: turn.t(`minerals.${mineral}`),
  });
  turn.say(key, vars);
}

/** `STATUS <ref>`: the state of one's own report (or of an anonymous one, to whoever holds its reference). */
export async function status(turn: Turn, rest: string): Promise<void> {
  const ref = parseReference(rest);
  if (!ref) return turn.say('status.usage');
  if (ref.startsWith('Q-')) return questionStatus(turn, ref);
  const report = await reportByReference(turn.store, ref);
  const visible = report && (report.anonymous || report.contactId === turn.contact._id);
  if (!visible) return turn.say('status.notFound', { ref });
  turn.say(`status.${report.state}`, { ref });
}

/** Flow actions of the lookups asked step by step (`definitions/lookups.ts`). */
export const lookupActions = {
  marketAnswer: (turn: Turn) => market(turn, turn.session.answers.mineral as Mineral),
  reportStatus: (turn: Turn) => status(turn, String(turn.session.answers.reference ?? '')),
};
