import { Session } from '../../models';
import { entryAnswer, eventWhen } from '../../knowledge/answers';
import { findEntry, findHelp, rsvp } from '../../knowledge/directory';
import { Turn } from '../turn';

/**
 * What the person last asked the directory, kept with their session while no flow runs:
 * `MORE` shows the next answer, `GO` answers the event shown.
 */
export type Browse = NonNullable<Session['browse']>;

/**
 * `HELP MERCURY`, "who helps with permits", `EVENTS`: the best match for the person's
 * region (named in the message, else their profile's), with its contact, in one SMS.
 */
export async function askDirectory(turn: Turn, text: string, events: boolean): Promise<void> {
  turn.end();
  const topics = turn.kit.words.topicsIn(text);
  if (!events && !topics.length) return turn.say('directory.which');
  return show(turn, { events, topics, region: turn.contact.region, shown: 0 }, text);
}

/** `MORE`: the next answer to what the person last asked. */
export async function more(turn: Turn): Promise<void> {
  const browse = turn.session.browse;
  turn.end();
  if (!browse) return turn.say('directory.moreWhat');
  return show(turn, browse);
}

/** `GO`: the person will come to the event they were shown; reminded the day before. */
export async function go(turn: Turn): Promise<void> {
  const browse = turn.session.browse;
  turn.end();
  turn.session.browse = browse;
  const entry = browse?.eventId ? await findEntry(turn.store, browse.eventId) : null;
  if (!entry?.startsAt || entry.startsAt <= turn.now) return turn.say('directory.goWhat');
  const counted = await rsvp(turn.store, entry, turn.contact, turn.now);
  const vars = { name: entry.name, when: eventWhen(entry, turn.lang) };
  // within a day there is no "day before" to remind them on
  const soon = entry.startsAt.getTime() - turn.now.getTime() < DAY;
  turn.say(counted ? (soon ? 'directory.goingSoon' : 'directory.going') : 'directory.goingAlready', vars);
}

const DAY = 86_400_000;

/** The next answer to a directory question; `text`: the question, when it is new. */
async function show(turn: Turn, browse: Browse, text?: string): Promise<void> {
  const { entries: found, region } = await findHelp(turn.store, {
    events: browse.events,
    topics: browse.topics,
    region: browse.region,
    text,
    country: turn.contact.country,
    lang: turn.lang,
    now: turn.now,
  });
  const entry = found[browse.shown];
  if (!entry) {
    if (browse.shown > 0) return turn.say('directory.noMore');
    const topic = browse.topics[0] ? turn.t(`topics.${browse.topics[0]}`) : '';
    return turn.say(browse.events ? 'directory.noEvents' : 'directory.none', { topic });
  }
  turn.session.browse = {
    ...browse,
    region,
    shown: browse.shown + 1,
    eventId: entry.kind === 'event' ? entry._id : undefined,
  };
  turn.replies.push({
    text: entryAnswer((_l, key, vars) => turn.t(key, vars), entry, turn.lang, turn.settings.defaultLanguage),
  });
}
