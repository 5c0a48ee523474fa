import {
  optIn as optContactIn,
  optOut as optContactOut,
  setSubscription,
  updateProfile,
} from '../../contacts/contacts';
import { Language, isLanguage } from '../../domain/language';
import { Turn } from '../turn';

/** The language the contact reads from now on: chosen (`LANG`, the welcome) or inferred from a report keyword. */
export async function setLanguage(
  turn: Turn,
  lang: Language,
  source: 'explicit' | 'inferred',
): Promise<void> {
  if (!isLanguage(lang)) return;
  await updateProfile(turn.store, turn.contact._id, { language: lang, languageSource: source });
  turn.contact.language = lang;
  turn.contact.languageSource = source;
  turn.lang = lang;
}

/** The end of registration: role, site, region and minerals as answered; `updated` tells a re-registration. */
async function saveProfile(turn: Turn): Promise<void> {
  const a = turn.session.answers;
  a.updated = turn.contact.registration === 'complete';
  const set: Record<string, unknown> = { registration: 'complete' };
  for (const k of ['role', 'site', 'region'] as const) if (typeof a[k] === 'string') set[k] = a[k];
  if (Array.isArray(a.minerals)) set.minerals = a.minerals;
  await updateProfile(turn.store, turn.contact._id, set);
  Object.assign(turn.contact, set);
}

/** A first registration has begun (the dashboard counts who never finished). */
export async function registrationStarted(turn: Turn): Promise<void> {
  if (turn.contact.registration !== 'none') return;
  await updateProfile(turn.store, turn.contact._id, { registration: 'started' });
  turn.contact.registration = 'started';
}

/** The mine site of a chat opened from a site's QR code. */
export async function setSite(turn: Turn, site: string): Promise<void> {
  await updateProfile(turn.store, turn.contact._id, { site });
  turn.contact.site = site;
}

/** `STOP`: no more messages, on any channel. */
export async function stop(turn: Turn): Promise<void> {
  turn.end();
  await optContactOut(turn.store, { contactId: turn.contact._id }, turn.now);
  turn.contact.optedOut = true;
  turn.say('replies.stop');
}

/** `START` after `STOP`. */
export async function restart(turn: Turn): Promise<void> {
  await optContactIn(turn.store, { contactId: turn.contact._id });
  turn.contact.optedOut = false;
  turn.say('replies.start');
}

/** `SUB PRICES` / `UNSUB PRICES`: the weekly price digest for one's minerals and region. */
export async function subscribe(turn: Turn, on: boolean): Promise<void> {
  await setSubscription(turn.store, turn.contact._id, 'prices', on);
  const mineral = turn.contact.minerals?.[0] ?? 'gold';
  turn.say(on ? 'subscriptions.on' : 'subscriptions.off', { mineral: turn.t(`minerals.${mineral}`) });
}

/** Flow actions of the profile. */
export const profileActions = {
  setLanguage: (turn: Turn) => setLanguage(turn, turn.session.answers.language as Language, 'explicit'),
  saveProfile,
};
