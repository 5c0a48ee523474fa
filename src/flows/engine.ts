import { countryDefaults } from '../domain/country';
import { contactCurrency } from '../contacts/contacts';
import type { Metrics } from '../metrics';
import { LANGUAGE_NAMES, Language, isLanguage } from '../domain/language';
import { Mineral, Unit, defaultUnitFor } from '../domain/minerals';
import { parsePhone } from '../domain/phone';
import { formatAmount } from '../domain/price';
import { Translator } from '../i18n';
import { Draft, Rendered, renderSms, renderTelegram } from '../i18n/render';
import { Contact, InboundMessage, OutboundMessage, PRIORITY, Transport } from '../models';
import { enqueue, findOrCreateContact } from '../store/repos';
import { NewDoc, Store } from '../store/types';
import { ReportActions } from './actions';
import { LinkActions } from './link';
import { PollActions } from './polls';
import { languageFromWord, readInput } from './inputs';
import { Keyword, KeywordMatch, KeywordMatcher } from './keywords';
import { AskStep, Flow, Step, flowSchema } from './types';

/** What the engine needs from the rest of the service. */
export interface EngineDeps {
  store: Store;
  metrics?: Metrics;
  translator: Translator;
  flows: Record<string, Flow>;
  settings: {
    defaultLanguage: Language;
    defaultCurrency: string;
    sessionTimeoutMinutes: number;
    smsFoldGsm: boolean;
    /** On-call phone numbers for urgent incident alerts. */
    oncallSms?: string[];
    /** Which transport carries SMS alerts: Twilio when configured, the simulator otherwise. */
    alertTransport?: Transport;
  };
  clock?: () => Date;
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
}

/** Everything one inbound message's handling works on; effects are keyed on `inbound._id`. */
export interface Turn {
  /** The store of this message's unit of work: every write of the turn goes through it. */
  store: Store;
  inbound: InboundMessage;
  contact: Contact;
  created: boolean;
  lang: Language;
  session: SessionState;
  replies: (Draft & { redactAfterSend?: boolean })[];
  /** Other messages this turn queues (alerts to on-call staff). */
  extra: NewDoc<OutboundMessage>[];
  /** A report flow ran: its replies are erased once sent, as they could reveal what was reported. */
  sensitive?: boolean;
  /** Set by an anonymous report: erase these inbound texts and drop the report's source key. */
  anonymised?: { inboundIds: string[]; reportId: string };
  now: Date;
}

/** What one handled message produced, for callers that show it (the simulator). */
export interface HandleResult {
  replies: Rendered[];
}

const MAX_INVALID = 3;
const IDLE: () => SessionState = () => ({ active: false, answers: {}, invalid: 0, inboundIds: [] });

/** Runs one async job per key at a time, in arrival order: one contact's messages never interleave. */
class KeyedQueue {
  private tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(job, job);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * The flow engine: one interpreter for every flow definition, global keywords that
 * interrupt any flow (STOP always wins), and one-SMS reports. For each inbound message
 * it writes the effects, queues the replies, then saves the session last; a message
 * whose session already names it is not applied twice.
 */
export class FlowEngine {
  readonly keywords: KeywordMatcher;
  private queue = new KeyedQueue();
  readonly clock: () => Date;
  private actions: Record<string, (turn: Turn) => Promise<void>>;
  private reports: ReportActions;
  private links: LinkActions;
  private polls: PollActions;

  constructor(readonly deps: EngineDeps) {
    this.keywords = new KeywordMatcher(deps.translator);
    this.clock = deps.clock ?? (() => new Date());
    this.reports = new ReportActions(this);
    this.links = new LinkActions(this);
    this.polls = new PollActions(this);
    this.actions = {
      setLanguage: (turn) => this.setLanguage(turn, turn.session.answers.language as Language, 'explicit'),
      saveProfile: (turn) => this.saveProfile(turn),
      storePrice: (turn) => this.reports.storePrice(turn),
      checkOutlier: (turn) => this.reports.checkOutlier(turn),
      storeIssue: (turn) => this.reports.storeIssue(turn),
      storeIncident: (turn) => this.reports.storeIncident(turn),
      storeSurvey: (turn) => this.storeSurvey(turn),
    };
  }

  /**
   * Handles one logged inbound message: effects, replies and session, idempotently.
   * `silent`: everything happens (reports, answers, alerts to on-call staff) except the
   * replies to the sender, when the line is over its global reply budget.
   */
  handle(inbound: InboundMessage, options: { silent?: boolean } = {}): Promise<HandleResult> {
    // one unit of work: the contact, session, reports, rollups, replies and the inbound
    // message's state commit together, or not at all (and the message is handled again)
    return this.queue.run(`${inbound.channel}:${inbound.address}`, () =>
      this.deps.store.unit((tx) => this.handleNow(tx, inbound, options)),
    );
  }

  private async handleNow(
    store: Store,
    inbound: InboundMessage,
    options: { silent?: boolean },
  ): Promise<HandleResult> {
    const now = this.clock();
    const country = inbound.channel === 'sms' ? parsePhone(inbound.address)?.country : undefined;
    const { contact, created } = await findOrCreateContact(
      store,
      { channel: inbound.channel, value: inbound.address, transport: inbound.transport, country },
      now,
    );
    const saved = await store.collection('sessions').findOne({ _id: contact._id });
    if (saved?.flowId) await this.loadFlow(saved.flowId);
    if (saved?.lastInboundId === inbound._id) {
      await this.markHandled(store, inbound, now);
      return { replies: [] };
    }
    const live = saved && saved.active && saved.expiresAt > now;
    const turn: Turn = {
      store,
      inbound,
      contact,
      created,
      now,
      lang: this.languageOf(contact, inbound.extra?.languageHint),
      replies: [],
      extra: [],
      session: live
        ? {
            active: true,
            flowId: saved.flowId,
            stepId: saved.stepId,
            answers: saved.answers ?? {},
            invalid: saved.invalid ?? 0,
            inboundIds: saved.inboundIds ?? [],
            startedAt: saved.startedAt,
          }
        : IDLE(),
    };

    await this.dispatch(turn);
    if (options.silent) turn.replies = [];
    const rendered = await this.queueReplies(turn);
    const s = turn.session;
    const expiresAt = new Date(now.getTime() + this.deps.settings.sessionTimeoutMinutes * 60_000);
    await store.collection('sessions').updateOne(
      { _id: turn.contact._id },
      {
        $set: {
          active: s.active,
          flowId: s.flowId,
          flowVersion: s.flowId ? this.deps.flows[s.flowId]?.version : undefined,
          stepId: s.stepId,
          answers: s.answers,
          invalid: s.invalid,
          inboundIds: s.active && this.isSensitive(s.flowId) ? s.inboundIds : [],
          startedAt: s.startedAt,
          lastInboundId: inbound._id,
          updatedAt: now,
          expiresAt,
        },
      },
      { upsert: true },
    );
    if (turn.anonymised) await this.reports.forget(store, turn.anonymised);
    await this.markHandled(store, inbound, now);
    return { replies: rendered };
  }

  /** Makes a flow stored as data (a survey) available to the engine. */
  async loadFlow(flowId: string): Promise<Flow | undefined> {
    if (this.deps.flows[flowId]) return this.deps.flows[flowId];
    const stored = await this.deps.store.collection('flows').findOne({ _id: flowId });
    if (!stored) return undefined;
    const flow = flowSchema.parse(stored.definition);
    this.deps.flows[flowId] = flow;
    return flow;
  }

  private async markHandled(store: Store, inbound: InboundMessage, now: Date): Promise<void> {
    await store
      .collection('inbound')
      .updateOne(
        { _id: inbound._id },
        { $set: { status: 'handled', handledAt: now }, $inc: { attempts: 1 } },
      );
  }

  private isSensitive(flowId: string | undefined): boolean {
    return !!flowId && !!this.deps.flows[flowId]?.sensitive;
  }

  /** The language to speak to a contact in: theirs, their country's, their app's, the deployment's. */
  languageOf(contact: Contact, hint?: string): Language {
    if (contact.language) return contact.language;
    const fromCountry = countryDefaults(contact.country)?.language;
    if (fromCountry) return fromCountry;
    return isLanguage(hint) ? hint : this.deps.settings.defaultLanguage;
  }

  /** The currency a contact most likely means when they name none. */
  currencyOf(contact: Contact): string {
    return contactCurrency(contact, this.deps.settings.defaultCurrency);
  }

  /** A translated text in the turn's language, with the channel's wording where it has its own. */
  t(turn: Turn, key: string, vars: Record<string, unknown> = {}): string {
    const context = turn.inbound.channel === 'telegram' ? 'telegram' : undefined;
    return this.deps.translator.t(turn.lang, key, vars, context);
  }

  /** Queues a translated reply. */
  say(
    turn: Turn,
    key: string,
    vars: Record<string, unknown> = {},
    opts: { redactAfterSend?: boolean } = {},
  ): void {
    turn.replies.push({ text: this.t(turn, key, vars), ...opts });
  }

  // ---- routing -----------------------------------------------------------------

  private currentStep(turn: Turn): { flow: Flow; step: Step } | undefined {
    const { flowId, stepId, active } = turn.session;
    if (!active || !flowId) return undefined;
    const flow = this.deps.flows[flowId];
    const step = flow?.steps.find((s) => s.id === stepId);
    return flow && step ? { flow, step } : undefined;
  }

  private async dispatch(turn: Turn): Promise<void> {
    const extra = turn.inbound.extra ?? {};
    if (extra.start) return this.chatStart(turn, extra.startPayload);
    const text = extra.location
      ? `${extra.location.lat.toFixed(2)},${extra.location.lon.toFixed(2)}`
      : turn.inbound.text.trim();
    const kw = extra.location || extra.callbackData ? undefined : this.keywords.match(text);

    if (kw?.keyword === 'stop') return this.optOut(turn);
    if (turn.contact.optedOut) {
      if (kw?.keyword === 'start') return this.optIn(turn);
      // An opted-out person gets no messages; a complete one-SMS report still counts, silently.
      if (kw && ['price', 'issue', 'incident'].includes(kw.keyword) && !kw.question) {
        await this.report(turn, kw);
        turn.replies = [];
        if (turn.session.active) turn.session = IDLE();
      }
      return;
    }

    const current = this.currentStep(turn);
    if (current && this.isSensitive(current.flow.id)) {
      turn.session.inboundIds.push(turn.inbound._id);
      turn.sensitive = true;
    }
    if (extra.callbackData?.startsWith('p:')) return this.polls.tapped(turn, extra.callbackData);
    if (extra.callbackData) {
      // A tap is the typed answer to the question its button belongs to; an old button does nothing.
      const [, flowId, stepId, value] = extra.callbackData.split(':');
      if (current?.step.type === 'ask' && current.flow.id === flowId && current.step.id === stepId) {
        return this.answer(turn, current.flow, current.step, value);
      }
      return;
    }
    if (extra.location) {
      if (current?.step.type === 'ask' && current.step.input === 'text')
        return this.answer(turn, current.flow, current.step, text);
      return this.say(turn, 'replies.unknown');
    }
    // A number answers the question on screen; it is never read as a keyword.
    if (current?.step.type === 'ask' && /^\d{1,2}$/.test(text)) {
      return this.answer(turn, current.flow, current.step, text);
    }

    if (kw) {
      switch (kw.keyword) {
        case 'start':
          return this.say(turn, 'replies.startAlready');
        case 'help':
        case 'menu':
          this.endSession(turn);
          return this.say(turn, 'replies.help');
        case 'cancel':
          this.endSession(turn);
          return this.say(turn, 'replies.cancel');
        case 'lang': {
          const chosen = kw.rest ? languageFromWord(kw.rest) : undefined;
          if (chosen && isLanguage(chosen)) {
            this.endSession(turn);
            await this.setLanguage(turn, chosen, 'explicit');
            return this.say(turn, 'flows.language.done.say');
          }
          return this.startFlow(turn, 'language');
        }
        case 'price':
        case 'issue':
        case 'incident':
          return this.report(turn, kw);
        case 'status':
          this.endSession(turn);
          return this.reports.status(turn, kw.rest);
        case 'link':
          this.endSession(turn);
          return this.links.link(turn, kw.rest);
        case 'sub':
        case 'unsub':
          this.endSession(turn);
          return this.subscribe(turn, kw.keyword === 'sub');
        case 'profile':
          return this.startFlow(turn, 'registration');
        default:
          // skip / yes / no / anon: answers when a question is open (or a poll whose option it names)
          if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
          if (await this.polls.tryTyped(turn, text)) return;
          return this.say(turn, 'replies.unknown');
      }
    }

    if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
    if (turn.created) return this.startFlow(turn, 'welcome');
    if (await this.polls.tryTyped(turn, text)) return;
    return this.say(turn, 'replies.unknown');
  }

  /**
   * A chat opened with `/start` (Telegram): a `site_<code>` payload pre-fills the site (a
   * QR code per mine site); then a welcome for a new contact, opt-in for one who had
   * stopped, the menu otherwise.
   */
  private async chatStart(turn: Turn, payload: string | undefined): Promise<void> {
    const site = payload && /^site_([A-Za-z0-9-]{1,40})$/.exec(payload)?.[1];
    if (site) {
      await turn.store.collection('contacts').updateOne({ _id: turn.contact._id }, { $set: { site } });
      turn.contact.site = site;
    }
    if (turn.contact.optedOut) return this.optIn(turn);
    if (turn.created) return this.startFlow(turn, 'welcome');
    this.endSession(turn);
    return this.say(turn, 'replies.help');
  }

  /** A report keyword: its language may become the contact's; then the one-SMS form or the guided flow. */
  private async report(turn: Turn, kw: KeywordMatch): Promise<void> {
    if (kw.languages.length === 1 && turn.contact.languageSource !== 'explicit') {
      await this.setLanguage(turn, kw.languages[0], 'inferred');
    }
    this.endSession(turn);
    if (kw.keyword === 'price' && kw.question) return this.reports.market(turn, kw.rest);
    const prefill = this.reports.oneShot(kw.keyword as 'price' | 'issue' | 'incident', kw.rest, (w) =>
      this.isWord(w, 'anon'),
    );
    return this.startFlow(turn, kw.keyword, prefill);
  }

  /** Whether a word is a given keyword in any language. */
  isWord(word: string, keyword: Keyword): boolean {
    return this.keywords.match(word, [keyword])?.keyword === keyword;
  }

  // ---- flows ---------------------------------------------------------------------

  /** Ends the running flow, forgetting its answers. */
  endSession(turn: Turn): void {
    turn.session = IDLE();
  }

  private async startFlow(turn: Turn, flowId: string, answers: Record<string, unknown> = {}): Promise<void> {
    const flow = this.deps.flows[flowId];
    if (!flow) throw new Error(`unknown flow ${flowId}`);
    turn.session = {
      active: true,
      flowId,
      stepId: flow.steps[0].id,
      answers,
      invalid: 0,
      inboundIds: flow.sensitive ? [turn.inbound._id] : [],
      startedAt: turn.now,
    };
    if (flow.sensitive) turn.sensitive = true;
    // a first registration after a QR /start: the site is known, it is not asked
    if (flowId === 'registration' && turn.contact.registration !== 'complete' && turn.contact.site)
      turn.session.answers.site ??= turn.contact.site;
    if (flowId === 'registration' && turn.contact.registration === 'none') {
      await turn.store
        .collection('contacts')
        .updateOne({ _id: turn.contact._id }, { $set: { registration: 'started' } });
    }
    await this.advance(turn, flow, flow.steps[0].id);
  }

  private nextOf(flow: Flow, step: Step): string | undefined {
    if ('next' in step && step.next) return step.next;
    const i = flow.steps.findIndex((s) => s.id === step.id);
    return flow.steps[i + 1]?.id;
  }

  private async advance(turn: Turn, flow: Flow, from: string | undefined): Promise<void> {
    let stepId = from;
    for (let guard = 0; guard < 100; guard++) {
      const step = flow.steps.find((s) => s.id === stepId);
      if (!step) return this.endSession(turn);
      switch (step.type) {
        case 'ask': {
          const fills = step.fills ?? [step.save];
          if (step.skipIfAnswered && fills.every((f) => turn.session.answers[f] !== undefined)) {
            stepId = this.nextOf(flow, step);
            continue;
          }
          turn.session.stepId = step.id;
          turn.session.invalid = 0;
          turn.replies.push(this.prompt(turn, flow, step));
          return;
        }
        case 'say':
          this.say(turn, step.key ?? `flows.${flow.id}.${step.id}.say`, this.vars(turn));
          stepId = this.nextOf(flow, step);
          continue;
        case 'action': {
          const action = this.actions[step.action];
          if (!action) throw new Error(`flow ${flow.id} names unknown action ${step.action}`);
          await action(turn);
          stepId = this.nextOf(flow, step);
          continue;
        }
        case 'branch': {
          const hit = step.cases.find((c) => turn.session.answers[c.answer] === c.equals);
          stepId = hit ? hit.next : step.otherwise;
          continue;
        }
        case 'end':
          this.deps.metrics?.flowCompletions.inc({ flow: flow.id });
          this.endSession(turn);
          if (step.then) await this.startFlow(turn, step.then);
          return;
      }
    }
    throw new Error(`flow ${flow.id} loops without asking anything`);
  }

  /** Inline text (stored flows) in the turn's language, falling back like translations do. */
  private inline(turn: Turn, texts: Record<string, string>): string {
    const fallback = this.deps.settings.defaultLanguage;
    return texts[turn.lang] ?? texts[fallback] ?? texts.en ?? Object.values(texts)[0] ?? '';
  }

  private optionLabels(turn: Turn, flow: Flow, step: AskStep): string[] {
    if (step.input === 'yesno') return [this.t(turn, 'answers.yes'), this.t(turn, 'answers.no')];
    if (step.optionTexts) return step.optionTexts.map((o) => this.inline(turn, o));
    return (step.options ?? []).map((o) => {
      if (step.optionLabels === 'languageNames') return LANGUAGE_NAMES[o as Language] ?? o;
      if (step.optionLabels) return this.t(turn, `${step.optionLabels}.${o}`);
      return this.t(turn, `flows.${flow.id}.${step.id}.options.${o}`);
    });
  }

  /** The question of an ask step as a draft (also used to send a survey's first question). */
  prompt(turn: Turn, flow: Flow, step: AskStep): Draft {
    const values = step.input === 'yesno' ? ['1', '2'] : (step.options ?? []);
    return {
      text: step.text
        ? this.inline(turn, step.text)
        : this.t(turn, `flows.${flow.id}.${step.id}.prompt`, this.vars(turn)),
      options: this.optionLabels(turn, flow, step),
      // Telegram callback data, at most 64 bytes: c:<flow>:<step>:<value>
      optionData: values.map((v) => `c:${flow.id}:${step.id}:${v}`.slice(0, 64)),
    };
  }

  private async answer(turn: Turn, flow: Flow, step: Step, text: string): Promise<void> {
    if (step.type !== 'ask') return this.say(turn, 'replies.unknown');
    if (step.skippable && (text === '0' || this.isWord(text, 'skip'))) {
      return this.advance(turn, flow, this.nextOf(flow, step));
    }
    const result = readInput(step, text, {
      optionLabels: this.optionLabels(turn, flow, step),
      yesNo: (t) => {
        const m = this.keywords.match(t, ['yes', 'no']);
        return m ? m.keyword === 'yes' : undefined;
      },
      anonymous: (t) => this.isWord(t, 'anon'),
    });
    if (!result.ok) {
      turn.session.invalid += 1;
      if (turn.session.invalid >= MAX_INVALID) {
        this.endSession(turn);
        return this.say(turn, 'errors.tooMany');
      }
      return this.say(turn, result.error);
    }
    const { acceptDefaults, ...answers } = result.answers;
    Object.assign(turn.session.answers, answers);
    if (acceptDefaults) {
      const d = this.priceDefaults(turn);
      turn.session.answers.currency ??= d.currency;
      turn.session.answers.unit ??= d.unit;
    }
    turn.session.invalid = 0;
    await this.advance(turn, flow, this.nextOf(flow, step));
  }

  /** Values prompts and confirmations can use: answers, formatted for people. */
  vars(turn: Turn): Record<string, unknown> {
    const a = turn.session.answers;
    const d = this.priceDefaults(turn);
    return {
      ...a,
      mineral: a.mineral ? this.t(turn, `minerals.${a.mineral}`) : '',
      amount: typeof a.amount === 'number' ? formatAmount(a.amount, turn.lang) : '',
      currency: a.currency ?? d.currency,
      unit: a.unit ?? d.unit,
      site: turn.contact.site ?? '',
    };
  }

  /** The currency and unit a price report takes when it names none. */
  priceDefaults(turn: Turn): { currency: string; unit: Unit } {
    const mineral = (turn.session.answers.mineral as Mineral | undefined) ?? 'gold';
    return { currency: this.currencyOf(turn.contact), unit: defaultUnitFor(mineral) };
  }

  // ---- keywords and profile ------------------------------------------------------------

  private async optOut(turn: Turn): Promise<void> {
    this.endSession(turn);
    await turn.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { optedOut: true, optedOutAt: turn.now } });
    turn.contact.optedOut = true;
    this.say(turn, 'replies.stop');
  }

  private async optIn(turn: Turn): Promise<void> {
    await turn.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { optedOut: false }, $unset: { optedOutAt: '' } });
    turn.contact.optedOut = false;
    this.say(turn, 'replies.start');
  }

  private async setLanguage(turn: Turn, lang: Language, source: 'explicit' | 'inferred'): Promise<void> {
    if (!isLanguage(lang)) return;
    await turn.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { language: lang, languageSource: source } });
    turn.contact.language = lang;
    turn.contact.languageSource = source;
    turn.lang = lang;
  }

  /** `SUB PRICES` / `UNSUB PRICES`: the weekly price digest for one's minerals and region. */
  private async subscribe(turn: Turn, on: boolean): Promise<void> {
    await turn.store
      .collection('contacts')
      .updateOne(
        { _id: turn.contact._id },
        on ? { $addToSet: { subscriptions: 'prices' } } : { $pull: { subscriptions: 'prices' } },
      );
    const mineral = turn.contact.minerals?.[0] ?? 'gold';
    this.say(turn, on ? 'subscriptions.on' : 'subscriptions.off', {
      mineral: this.t(turn, `minerals.${mineral}`),
    });
  }

  /** The end of a survey: one response per person and survey, a newer one replacing the older. */
  private async storeSurvey(turn: Turn): Promise<void> {
    const surveyId = turn.session.flowId!;
    const { _inbound, ...answers } = turn.session.answers;
    void _inbound;
    await turn.store.collection('surveyResponses').updateOne(
      { _id: `${surveyId}:${turn.contact._id}` },
      {
        $set: {
          surveyId,
          contactId: turn.contact._id,
          answers,
          region: turn.contact.region,
          site: turn.contact.site,
          completedAt: turn.now,
        },
      },
      { upsert: true },
    );
  }

  private async saveProfile(turn: Turn): Promise<void> {
    const a = turn.session.answers;
    a.updated = turn.contact.registration === 'complete';
    const set: Record<string, unknown> = { registration: 'complete' };
    for (const k of ['role', 'site', 'region'] as const) if (typeof a[k] === 'string') set[k] = a[k];
    if (Array.isArray(a.minerals)) set.minerals = a.minerals;
    await turn.store.collection('contacts').updateOne({ _id: turn.contact._id }, { $set: set });
    Object.assign(turn.contact, set);
  }

  // ---- replies -----------------------------------------------------------------------

  /** Renders a draft for a channel: numbered lines and GSM-7 folding on SMS, buttons and splitting on Telegram. */
  render(channel: 'sms' | 'telegram', draft: Draft): Rendered[] {
    if (channel === 'sms') return [renderSms(draft, this.deps.settings.smsFoldGsm)];
    return renderTelegram(draft);
  }

  private async queueReplies(turn: Turn): Promise<Rendered[]> {
    const { inbound } = turn;
    const rendered: (Rendered & { redactAfterSend?: boolean })[] = turn.replies.flatMap((draft) =>
      this.render(inbound.channel, draft).map((r) => ({ ...r, redactAfterSend: draft.redactAfterSend })),
    );
    const messages: NewDoc<OutboundMessage>[] = rendered.map((r, i) => ({
      channel: inbound.channel,
      transport: inbound.transport,
      to: inbound.address,
      contactId: turn.contact._id,
      text: r.text,
      segments: r.segments,
      encoding: r.encoding,
      priority: PRIORITY.reply,
      inReplyTo: inbound._id,
      buttons: r.buttons,
      redactAfterSend: turn.sensitive || r.redactAfterSend || undefined,
      dedupeKey: `reply:${inbound._id}:${i}`,
      createdAt: new Date(turn.now.getTime() + i),
      nextAttemptAt: turn.now,
    }));
    await enqueue(turn.store, [...turn.extra, ...messages]);
    return rendered;
  }
}
