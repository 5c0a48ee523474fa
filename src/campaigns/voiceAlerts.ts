import { BadRequest } from '../domain/errors';
import { Broadcast, OutboundMessage, PRIORITY } from '../models';
import { NewDoc } from '../store/types';
import { Recipient } from './audience';

/**
 * Broadcasts to people who prefer voice (key 8 on the voice line, or staff): a phone call
 * that speaks the text in their language where `<Say>` speaks it, or plays the recording
 * staff attached for that language (`voiceRecordings`); never a call of silence.
 */

/** Whether the line can speak a language, with the recording staff attached for it, if any. */
export interface VoiceAlertSettings {
  speaks: (lang: string, recording?: string) => boolean;
}

/** What of a broadcast decides who is called. */
type Calling = Pick<Broadcast, 'voiceRecordings' | 'poll' | 'surveyId'>;

/**
 * Whether a recipient gets the broadcast as a call: calls can be placed, they prefer voice,
 * their phone is how the broadcast reaches them, and it is a message (a poll or a survey
 * is answered on the voice line's menu or by text).
 */
export function called(r: Recipient, b: Calling, voice: VoiceAlertSettings | undefined): boolean {
  return !!voice && !!r.contact.prefersVoice && r.address.channel === 'sms' && !b.poll && !b.surveyId;
}

/** A broadcast's calls, counted by language, and those the line could not speak (silence). */
export function previewCalls(recipients: Recipient[], b: Calling, voice: VoiceAlertSettings | undefined) {
  const byLanguage: Record<string, number> = {};
  const silent: Record<string, number> = {};
  for (const r of recipients) {
    if (!called(r, b, voice)) continue;
    byLanguage[r.textLang] = (byLanguage[r.textLang] ?? 0) + 1;
    if (!voice!.speaks(r.textLang, b.voiceRecordings?.[r.textLang]))
      silent[r.textLang] = (silent[r.textLang] ?? 0) + 1;
  }
  const calls = Object.values(byLanguage).reduce((a, n) => a + n, 0);
  return { calls, byLanguage, silent };
}

/** A broadcast some would hear as silence is not sent: which languages need a recording, and for how many. */
export function refuseSilence(calls: ReturnType<typeof previewCalls>): void {
  const langs = Object.entries(calls.silent);
  if (!langs.length) return;
  throw new BadRequest(
    `voiceRecordings: ${langs.map(([l, n]) => `${n} contact(s) who prefer calls speak ${l}, which the line cannot say: attach a recording (voiceRecordings.${l})`).join('; ')}`,
    langs.map(([l]) => ({ field: `voiceRecordings.${l}`, message: 'a recording is needed' })),
  );
}

/** The call that carries a broadcast to one recipient (one per broadcast and contact, like its SMS). */
export function alertCall(r: Recipient, b: Broadcast, now: Date): NewDoc<OutboundMessage> {
  return {
    channel: 'sms',
    transport: 'voice',
    to: r.address.value,
    contactId: r.contact._id,
    text: b.text[r.textLang],
    segments: 0,
    encoding: 'text',
    priority: b.priority === 'alert' ? PRIORITY.alert : PRIORITY.bulk,
    status: 'queued',
    attempts: 0,
    broadcastId: b._id,
    dedupeKey: `b:${b._id}:${r.contact._id}`,
    call: { purpose: 'alert', recording: b.voiceRecordings?.[r.textLang] },
    createdAt: now,
    nextAttemptAt: now,
  };
}
