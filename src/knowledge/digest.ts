import { Language } from '../domain/language';
import { Translator } from '../i18n';
import { pickText } from '../i18n/texts';
import { Contact, DirectoryEntry } from '../models';
import { Store } from '../store/types';
import { eventWhen } from './answers';

const DAY = 86_400_000;

/** Topics that matter most to each role, so the digest picks what fits the person. */
const ROLE_TOPICS: Record<string, string[]> = {
  miner: ['safety', 'health', 'legal'],
  pit_leader: ['safety', 'legal', 'land_conflict'],
  processor: ['mercury', 'health', 'environment'],
  trader: ['markets', 'finance', 'legal'],
  community_leader: ['land_conflict', 'child_labour', 'women', 'legal'],
};

/**
 * What the weekly digest may add for one person, best first: an event near them, else an
 * entry added to the directory this week near them (those of their role's topics first),
 * and the newest answer published this week in their language. Only what is new since
 * the last digest; the digest adds the first that still fits its one SMS.
 */
export type DigestTips = (contact: Contact, lang: Language) => Promise<string[]>;

/** The tips of one digest run (the directory and the answers read once for everyone). */
export async function digestTips(
  store: Store,
  t: Translator,
  fallback: Language,
  now = new Date(),
): Promise<DigestTips> {
  const weekAgo = new Date(now.getTime() - 7 * DAY);
  const entries = await store.collection('directory').find(
    {
      $or: [
        { kind: 'event', startsAt: { $gt: now, $lt: new Date(now.getTime() + 14 * DAY) } },
        { kind: { $ne: 'event' }, createdAt: { $gte: weekAgo } },
      ],
    },
    { limit: 500 },
  );
  const answers = await store
    .collection('answers')
    .find({ publishedAt: { $gte: weekAgo } }, { sort: { publishedAt: -1 }, limit: 50 });
  return async (contact, lang) => {
    const near = (e: DirectoryEntry) =>
      (!e.countries.length || (!!contact.country && e.countries.includes(contact.country))) &&
      (!e.regions.length || (!!contact.region && e.regions.includes(contact.region)));
    const mine = ROLE_TOPICS[contact.role ?? ''] ?? [];
    const fit = (e: DirectoryEntry) => (e.topics.some((x) => mine.includes(x)) ? 0 : 1);
    const nearby = entries.filter(near).sort((a, b) => fit(a) - fit(b));
    const tips: string[] = [];
    const event = nearby.find((e) => e.kind === 'event');
    if (event) tips.push(t.t(lang, 'digest.event', { name: event.name, when: eventWhen(event, lang) }));
    const entry = nearby.find((e) => e.kind !== 'event');
    if (entry)
      tips.push(
        t.t(lang, 'digest.entry', { name: entry.name, topic: t.t(lang, `topics.${entry.topics[0]}`) }),
      );
    const answer = answers.find((a) => a.question[lang]);
    if (answer)
      tips.push(t.t(lang, 'digest.answer', { question: pickText(answer.question, lang, fallback) }));
    return tips;
  };
}
