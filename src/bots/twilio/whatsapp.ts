import { contactLanguage } from '../../contacts/contacts';
import { WindowClosed } from '../../domain/errors';
import { Language } from '../../domain/language';
import { numbered } from '../../i18n/render';
import { OutboundMessage } from '../../models';
import { SendResult, Sender } from '../../models/channel';
import { Store } from '../../store/types';
import { WHATSAPP_PREFIX } from './inbound';
import { TwilioOutboundSettings, TwilioSender } from './outbound';

/** The kinds of message that may reach a person outside the 24-hour window, each with its templates. */
export const TEMPLATE_KINDS = ['broadcast', 'poll', 'survey', 'triage', 'digest', 'alert'] as const;
/** A kind of message that needs a template outside the window. */
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
/** Approved WhatsApp templates (Twilio Content SIDs, `HX…`) by kind and language; each has one variable, `{{1}}`: the text. */
export type WhatsAppTemplates = Partial<Record<TemplateKind, Partial<Record<Language, string>>>>;

/** What the WhatsApp sender needs besides Twilio's account. */
export interface WhatsAppSettings extends Omit<TwilioOutboundSettings, 'from' | 'messagingServiceSid'> {
  /** `whatsapp:+14155238886`. */
  from: string;
  templates: WhatsAppTemplates;
  defaultLanguage: Language;
  /** Told when a quick-reply content could not be made (the choices went as numbered text). */
  onContentError?: (err: unknown) => void;
}

/** The text with its choices as numbered lines, for when there are no buttons. */
function withChoices(m: OutboundMessage): string {
  return numbered(m.text, m.buttons?.flat().map((b) => b.text) ?? []);
}

/** WhatsApp's free-form window after a person's last message. */
export const WINDOW_MS = 24 * 3600_000;

/**
 * WhatsApp through Twilio: the same account and client as SMS. Free-form text only within
 * 24 hours of the person's last WhatsApp message; outside it, the approved template for
 * the message's kind and the person's language, with the text as its variable. With no
 * template it throws {@link WindowClosed}, and the outbox sends it by SMS or keeps it
 * until the person writes (`outbox/fallback.ts`); so does Twilio's 63016.
 */
export class WhatsAppSender implements Sender {
  readonly transport = 'whatsapp' as const;
  private twilio: TwilioSender;

  constructor(
    private settings: WhatsAppSettings,
    private store: Store,
    private clock: () => Date = () => new Date(),
  ) {
    this.twilio = new TwilioSender({ ...settings, from: settings.from });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const to = `${WHATSAPP_PREFIX}${message.to}`;
    const variables = (text: string) => JSON.stringify({ 1: text });
    if (await this.windowOpen(message)) {
      const titles = message.buttons?.flat().map((b) => b.text) ?? [];
      const quick = titles.length ? await this.quickReply(message, titles) : undefined;
      if (quick)
        return this.twilio.create({ to, contentSid: quick, contentVariables: variables(message.text) });
      return this.twilio.create({ to, body: withChoices(message) });
    }
    const { kind, lang } = await this.kindOf(message);
    const contentSid = this.settings.templates[kind]?.[lang];
    if (!contentSid)
      throw new WindowClosed(`outside WhatsApp's 24-hour window, and no template for ${kind} in ${lang}`);
    return this.twilio.create({ to, contentSid, contentVariables: variables(withChoices(message)) });
  }

  /**
   * The quick-reply content for these button titles in the person's language (made once on
   * Twilio's Content API, then reused); undefined when it cannot be made, and the choices
   * go as numbered text instead: a button is a convenience, the message must still go.
   */
  private async quickReply(m: OutboundMessage, titles: string[]): Promise<string | undefined> {
    const { lang } = await this.kindOf(m);
    const key = [lang, ...titles].join('|');
    const known = await this.store.collection('whatsappContent').findOne({ _id: key });
    if (known) return known.sid;
    try {
      const sid = await this.twilio.createQuickReply(lang, titles);
      await this.store
        .collection('whatsappContent')
        .updateOne({ _id: key }, { $set: { sid, createdAt: this.clock() } }, { upsert: true });
      return sid;
    } catch (err) {
      this.settings.onContentError?.(err);
      return undefined;
    }
  }

  /** A reply answers a message just received; anything else looks at the person's last WhatsApp message. */
  private async windowOpen(m: OutboundMessage): Promise<boolean> {
    if (m.inReplyTo && this.clock().getTime() - m.createdAt.getTime() < WINDOW_MS) return true;
    const since = new Date(this.clock().getTime() - WINDOW_MS);
    const last = await this.store
      .collection('inbound')
      .find(
        { channel: 'whatsapp', address: m.to, loggedAt: { $gte: since } },
        { limit: 1, projection: { _id: 1 } },
      );
    return last.length > 0;
  }

  /** The message's kind (from what queued it) and the language of the person it goes to. */
  private async kindOf(m: OutboundMessage): Promise<{ kind: TemplateKind; lang: Language }> {
    const contact = m.contactId
      ? await this.store.collection('contacts').findOne({ _id: m.contactId })
      : null;
    const lang = contact
      ? contactLanguage(contact, this.settings.defaultLanguage)
      : this.settings.defaultLanguage;
    const prefix = (m.dedupeKey ?? '').split(':')[0];
    let kind: TemplateKind = 'broadcast';
    if (prefix === 'triage' || prefix === 'digest' || prefix === 'alert') kind = prefix;
    else if (prefix === 'pr') kind = 'poll';
    else if (m.broadcastId) {
      const b = await this.store.collection('broadcasts').findOne({ _id: m.broadcastId });
      kind = b?.poll ? 'poll' : b?.surveyId ? 'survey' : 'broadcast';
    }
    return { kind, lang };
  }
}
