import { Language } from '../../domain/language';
import { Logger } from '../../log';
import { Sender } from '../../models/channel';
import { Store } from '../../store/types';
import { TwilioCaller } from './calls';
import { TwilioOutboundSettings, TwilioSender } from './outbound';
import { WhatsAppSender, WhatsAppTemplates } from './whatsapp';

/** What the Twilio account's senders are made from: the account, WhatsApp's sender if set, where Twilio reaches the service. */
export interface TwilioSenderSettings {
  account: Omit<TwilioOutboundSettings, 'statusCallback' | 'timeoutMs'>;
  whatsapp?: { from: string; templates: WhatsAppTemplates };
  publicBaseUrl?: string;
  timeoutMs?: number;
  defaultLanguage: Language;
}

/**
 * The senders of one Twilio account: SMS; calls the line places (a call back, a voice
 * alert) from the account's number; WhatsApp when its sender is set. Delivery statuses
 * come back to the service's public address.
 */
export function twilioSenders(
  s: TwilioSenderSettings,
  store: Store,
  log: Logger,
  clock?: () => Date,
): Sender[] {
  const statusCallback = s.publicBaseUrl ? `${s.publicBaseUrl}/webhooks/twilio/status` : undefined;
  const senders: Sender[] = [
    new TwilioSender({ ...s.account, timeoutMs: s.timeoutMs, statusCallback, thread: true }),
  ];
  if (s.account.from && s.publicBaseUrl)
    senders.push(
      new TwilioCaller({
        ...s.account,
        from: s.account.from,
        publicBaseUrl: s.publicBaseUrl,
        timeoutMs: s.timeoutMs,
      }),
    );
  if (s.whatsapp) {
    const onContentError = (err: unknown) =>
      log.warn({ err }, 'WhatsApp buttons could not be made on Twilio: choices went as numbered text');
    const settings = { ...s.account, ...s.whatsapp, defaultLanguage: s.defaultLanguage, onContentError };
    senders.push(new WhatsAppSender({ ...settings, timeoutMs: s.timeoutMs, statusCallback }, store, clock));
  }
  return senders;
}
