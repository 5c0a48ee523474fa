import { contactCurrency, contactLanguage } from '../contacts/contacts';
import { Language, isLanguage } from '../domain/language';
import { Mineral, Unit, defaultUnitFor } from '../domain/minerals';
import { formatAmount } from '../domain/price';
import { Translator } from '../i18n';
import { Draft } from '../i18n/render';
import { pickText } from '../i18n/texts';
import { Contact, InboundMessage, MediaRef, OutboundMessage, Session, Source } from '../models';
import { NewDoc, Store } from '../store/types';
import { SmsRoutes } from '../outbox/routes';
import { Keyword, KeywordMatcher } from './words';

/** The deployment's settings a conversation needs. */
export interface FlowSettings {
  defaultLanguage: Language;
  defaultCurrency: string;
  sessionTimeoutMinutes: number;
  smsFoldGsm: boolean;
  /** On-call phone numbers for urgent incident alerts. */
  oncallSms?: string[];
  /** The local hour lessons of a series go at (`DELIVERY_HOURS`); 9 when not set. */
  deliveryHour?: number;
  /** Which provider carries SMS to a number that never wrote (on-call alerts); the simulator without. */
  smsRoutes?: SmsRoutes;
}

/** What every turn shares: translations, settings, the keyword matcher. */
export interface TurnKit {
  translator: Translator;
  settings: FlowSettings;
  words: KeywordMatcher;
  /** Every keyword word of the locales, for the free-form reader. */
  vocabulary: ReadonlyMap<string, readonly Keyword[]>;
}

/** The conversation state carried through one message. */
export interface SessionState {
  active: boolean;
  flowId?: string;
  stepId?: string;
  answers: Record<string, unknown>;
  invalid: number;
  inboundIds: string[];
  startedAt?: Date;
  /** What the person last asked the directory (kept while no flow runs, for `MORE` and `GO`). */
  browse?: NonNullable<Session['browse']>;
}

/** No flow running. */
export const idleSession = (): SessionState => ({ active: false, answers: {}, invalid: 0, inboundIds: [] });

/**
 * A flow taken up where a menu line (USSD, a call) left it: its step and a copy of its
 * answers, so the snapshot kept for going back stays as it was.
 */
export function resumedSession(at: {
  flowId: string;
  stepId: string;
  answers: Record<string, unknown>;
  invalid: number;
}): SessionState {
  return {
    active: true,
    flowId: at.flowId,
    stepId: at.stepId,
    answers: structuredClone(at.answers),
    invalid: at.invalid,
    inboundIds: [],
  };
}

/**
 * The conversation state of a stored session: the flow it runs unless ended or expired,
 * and what the person last asked the directory (it outlives a flow, not the session's time).
 */
export function sessionFrom(saved: Session | null, now: Date): SessionState {
  const fresh = !!saved && saved.expiresAt > now;
  const browse = fresh ? (saved.browse ?? undefined) : undefined;
  if (!fresh || !saved.active) return { ...idleSession(), browse };
  return {
    active: true,
    flowId: saved.flowId,
    stepId: saved.stepId,
    answers: saved.answers ?? {},
    invalid: saved.invalid ?? 0,
    inboundIds: saved.inboundIds ?? [],
    startedAt: saved.startedAt,
    browse,
  };
}

/** A reply before it meets the channel. */
export type Reply = Draft & {
  redactAfterSend?: boolean;
  /** Where the text came from (voice turns only): the line speaks it again word by word. */
  key?: string;
  vars?: Record<string, unknown>;
};

/**
 * Everything one inbound message's handling works on, and the few things every handler
 * does with it: translate, say, read the answers, end the flow. Actions and keyword
 * handlers receive a turn; they never see the engine. Effects are keyed on `inbound._id`.
 */
export class Turn {
  replies: Reply[] = [];
  /** Other messages this turn queues (alerts to on-call staff). */
  extra: NewDoc<OutboundMessage>[] = [];
  /** A report flow ran: its replies are erased once sent, as they could reveal what was reported. */
  sensitive?: boolean;
  /** Set by an anonymous report: erase these inbound texts and drop the report's source key. */
  anonymised?: { inboundIds: string[]; reportId?: string };
  /** A report was stored by this turn (a USSD screen offers its confirmation by SMS unless anonymous). */
  reported?: { reference: string; anonymous: boolean };
  lang: Language;

  constructor(
    readonly kit: TurnKit,
    /** The store of this message's unit of work: every write of the turn goes through it. */
    readonly store: Store,
    readonly inbound: InboundMessage,
    public contact: Contact,
    public session: SessionState,
    readonly created: boolean,
    readonly now: Date,
  ) {
    this.lang = this.languageOf(contact, inbound.extra?.languageHint);
  }

  get settings(): FlowSettings {
    return this.kit.settings;
  }

  /** The language to speak to a contact in: theirs, their country's, their app's, the deployment's. */
  languageOf(contact: Contact, hint?: string): Language {
    return contactLanguage(contact, isLanguage(hint) ? hint : this.settings.defaultLanguage);
  }

  /** The currency the contact most likely means when they name none. */
  currency(): string {
    return contactCurrency(this.contact, this.settings.defaultCurrency);
  }

  /** Where this turn's message came from: its channel, a USSD session or a phone call. */
  get source(): Source {
    if (this.inbound.extra?.voice) return 'voice';
    return this.inbound.extra?.ussd ? 'ussd' : this.inbound.channel;
  }

  /** A translated text in the turn's language, with the channel's wording where it has its own (`_telegram`, `_ussd`). */
  t(key: string, vars: Record<string, unknown> = {}): string {
    const source = this.source;
    const context = source === 'sms' ? undefined : source;
    return this.kit.translator.t(this.lang, key, vars, context);
  }

  /** Queues a translated reply. */
  say(key: string, vars: Record<string, unknown> = {}, opts: { redactAfterSend?: boolean } = {}): void {
    this.replies.push({
      text: this.t(key, vars),
      ...opts,
      ...(this.source === 'voice' ? { key, vars } : {}),
    });
  }

  /** Text written in several languages (stored flows, polls) in the turn's language, with the usual fallbacks. */
  pick(texts: Record<string, string>): string {
    return pickText(texts, this.lang, this.settings.defaultLanguage);
  }

  /** Photos sent during the conversation so far and with this message (WhatsApp), at most five. */
  media(): MediaRef[] {
    const earlier = (this.session.answers.media as MediaRef[] | undefined) ?? [];
    return [...earlier, ...(this.inbound.extra?.media ?? [])].slice(0, 5);
  }

  /** Ends the running flow, forgetting its answers. */
  end(): void {
    this.session = idleSession();
  }

  /** Whether a word is a given keyword in any language. */
  isWord(word: string, keyword: Keyword): boolean {
    return this.kit.words.match(word, [keyword])?.keyword === keyword;
  }

  /** The currency and unit a price report takes when it names none. */
  priceDefaults(): { currency: string; unit: Unit } {
    const mineral = (this.session.answers.mineral as Mineral | undefined) ?? 'gold';
    return { currency: this.currency(), unit: defaultUnitFor(mineral) };
  }

  /** Values prompts and confirmations can use: answers, formatted for people. */
  vars(): Record<string, unknown> {
    const a = this.session.answers;
    const d = this.priceDefaults();
    return {
      ...a,
      mineral: a.mineral ? this.t(`minerals.${a.mineral}`) : '',
      amount: typeof a.amount === 'number' ? formatAmount(a.amount, this.lang) : '',
      currency: a.currency ?? d.currency,
      unit: a.unit ?? d.unit,
      site: this.contact.site ?? '',
    };
  }
}

/** What keyword handlers may ask of the engine that runs the turn. */
export interface FlowControl {
  /** Starts a flow from its first step, with answers already known. */
  start(turn: Turn, flowId: string, answers?: Record<string, unknown>): Promise<void>;
  /** A word that is an answer (yes, no, skip, anon): to the open question, a poll, or not understood. */
  answerOpen(turn: Turn, text: string): Promise<void>;
  /** Makes a flow stored as data (a survey, a lesson's question) ready to start; undefined when there is none. */
  loadFlow(flowId: string): Promise<unknown>;
}
