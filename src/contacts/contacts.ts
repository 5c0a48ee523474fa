import { countryDefaults } from '../domain/country';
import { Language } from '../domain/language';
import { DuplicateKey } from '../domain/errors';
import { toHour } from '../domain/privacy';
import { Address, Channel, Contact, Transport } from '../models';
import { Store } from '../store/types';

/**
 * The language a contact reads: theirs, their country's, then the deployment's. The one
 * rule every message to a contact outside a conversation (broadcasts, digests, triage
 * updates) follows.
 */
export function contactLanguage(c: Pick<Contact, 'language' | 'country'>, fallback: Language): Language {
  return c.language ?? countryDefaults(c.country)?.language ?? fallback;
}

/** The currency a contact most likely means when they name none: their country's, else the deployment's. */
export function contactCurrency(c: Pick<Contact, 'country'>, fallback: string): string {
  return countryDefaults(c.country)?.currency ?? fallback;
}

/**
 * Where to reach a contact for a broadcast: Telegram when they have it (it costs nothing),
 * else WhatsApp (it carries any alphabet; with no template the outbox sends it by SMS),
 * else SMS.
 */
export function pickAddress(c: Pick<Contact, 'addresses'>, channels: string[] = []): Address | undefined {
  const usable = c.addresses.filter((a) => !channels.length || channels.includes(a.channel));
  return (
    usable.find((a) => a.channel === 'telegram') ?? usable.find((a) => a.channel === 'whatsapp') ?? usable[0]
  );
}

/** The unique key of an address: `sms:+243990000001`, `telegram:5123456789`. */
export function addressKey(channel: Channel, value: string): string {
  return `${channel}:${value}`;
}

/** Finds the contact behind an address, creating it on first contact. `created` says which. */
export async function findOrCreateContact(
  store: Store,
  a: { channel: Channel; value: string; transport: Transport; country?: string },
  now: Date,
): Promise<{ contact: Contact; created: boolean }> {
  const contacts = store.collection('contacts');
  const key = addressKey(a.channel, a.value);
  // a contact keeps times to the hour: a minute next to a person could point at the
  // sender of an anonymous report made that minute
  const hour = toHour(now);
  const existing = await contacts.findOneAndUpdate({ 'addresses.key': key }, { $set: { lastSeenAt: hour } });
  if (existing) {
    // replies and broadcasts go back the way the person last wrote (Twilio, Africa's Talking …)
    const address = existing.addresses.find((x) => x.key === key);
    if (address && address.transport !== a.transport && a.transport !== 'simulator') {
      const addresses = existing.addresses.map((x) => (x.key === key ? { ...x, transport: a.transport } : x));
      await contacts.updateOne({ _id: existing._id }, { $set: { addresses } });
      return { contact: { ...existing, addresses }, created: false };
    }
    return { contact: existing, created: false };
  }
  try {
    const contact = await contacts.insertOne({
      addresses: [{ key, channel: a.channel, value: a.value, transport: a.transport, addedAt: hour }],
      country: a.country,
      firstSeenAt: hour,
      lastSeenAt: hour,
    });
    return { contact, created: true };
  } catch (err) {
    if (!(err instanceof DuplicateKey)) throw err;
    // Another request created it between our read and our write.
    const contact = await contacts.findOne({ 'addresses.key': key });
    if (!contact) throw err;
    return { contact, created: false };
  }
}

/** One contact by id. */
export function findContact(store: Store, id: string): Promise<Contact | null> {
  return store.collection('contacts').findOne({ _id: id });
}

/** Who: a contact by id, or whoever owns an address. */
export type ContactRef = { contactId: string } | { channel: Channel; address: string };

function refFilter(who: ContactRef) {
  return 'contactId' in who
    ? { _id: who.contactId }
    : { 'addresses.key': addressKey(who.channel, who.address) };
}

/**
 * Opts a person out: no more messages to them, on any channel (STOP, a blocked bot, a
 * carrier's opt-out). The first opt-out's time is kept. True when it changed anything.
 */
export async function optOut(store: Store, who: ContactRef, now = new Date()): Promise<boolean> {
  const r = await store
    .collection('contacts')
    .updateOne({ ...refFilter(who), optedOut: false }, { $set: { optedOut: true, optedOutAt: now } });
  return r.modified > 0;
}

/** Opts a person back in (START). */
export async function optIn(store: Store, who: ContactRef): Promise<void> {
  await store
    .collection('contacts')
    .updateOne(refFilter(who), { $set: { optedOut: false }, $unset: { optedOutAt: '' } });
}

/** What a contact's profile may change to; only the fields given are written. */
export type ProfileChange = Partial<
  Pick<
    Contact,
    'language' | 'languageSource' | 'role' | 'site' | 'region' | 'minerals' | 'registration' | 'prefersVoice'
  >
>;

/** Writes profile fields of a contact. */
export async function updateProfile(store: Store, contactId: string, change: ProfileChange): Promise<void> {
  await store.collection('contacts').updateOne({ _id: contactId }, { $set: change });
}

/** `SUB PRICES` / `UNSUB PRICES`: subscribes to, or leaves, a push such as the weekly digest. */
export async function setSubscription(
  store: Store,
  contactId: string,
  topic: 'prices',
  on: boolean,
): Promise<void> {
  await store
    .collection('contacts')
    .updateOne(
      { _id: contactId },
      on ? { $addToSet: { subscriptions: topic } } : { $pull: { subscriptions: topic } },
    );
}

/** The contacts who wrote last, newest first (admins only: they show numbers). */
export function latestContacts(store: Store, limit = 50): Promise<Contact[]> {
  return store.collection('contacts').find({}, { sort: { lastSeenAt: -1 }, limit });
}
