import { countryDefaults } from '../domain/country';
import { LANGUAGE_NAMES, Language, isLanguage } from '../domain/language';
import { Mineral, Unit, defaultUnitFor } from '../domain/minerals';
import { parsePhone } from '../domain/phone';
import { formatAmount, parsePriceParts } from '../domain/price';
import { Translator } from '../i18n';
import { Draft, renderSms } from '../i18n/render';
import { Contact, InboundMessage, OutboundMessage, PRIORITY } from '../models';
import { enqueue, findOrCreateContact, insertReport } from '../store/repos';
import { Store } from '../store/types';
import { readInput, languageFromWord } from './inputs';
import { KeywordMatch, KeywordMatcher } from './keywords';
import { AskStep, Flow, Step } from './types';

/** What the engine needs from the rest of the service. */
export interface EngineDeps {
  store: Store;
  translator: Translator;
  flows: Record<string, Flow>;
  settings: {
    defaultLanguage: Language;
    defaultCurrency: string;
    sessionTimeoutMinutes: number;
    smsFoldGsm: boolean;
  };
  clock?: () => Date;
}

/** The conversation state carried through one message. */
interface SessionState {
  active: boolean;
  flowId?: string;
  stepId?: string;
  answers: Record<string, unknown>;
  invalid: number;
  startedAt?: Date;
}

/** Everything one inbound message's handling works on; effects are keyed on `inbound._id`. */
interface Turn {
  inbound: InboundMessage;
  contact: Contact;
  created: boolean;
  lang: Language;
  session: SessionState;
  replies: Draft[];
  now: Date;
}

type Action = (turn: Turn) => Promise<void>;

const MAX_INVALID = 3;
const IDLE: () => SessionState = () => ({ active: false, answers: {}, invalid: 0 });

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
  private keywords: KeywordMatcher;
  private queue = new KeyedQueue();
  private clock: () => Date;
  private actions: Record<string, Action>;

  constructor(private deps: EngineDeps) {
    this.keywords = new KeywordMatcher(deps.translator);
    this.clock = deps.clock ?? (() => new Date());
    this.actions = {
      setLanguage: (turn) => this.setLanguage(turn, turn.session.answers.language as Language, 'explicit'),
      saveProfile: (turn) => this.saveProfile(turn),
      storePrice: (turn) => this.storePrice(turn),
    };
  }

  /** Handles one logged inbound message: effects, replies and session, idempotently. */
  handle(inbound: InboundMessage): Promise<void> {
    return this.queue.run(`${inbound.channel}:${inbound.address}`, () => this.handleNow(inbound));
  }

  private async handleNow(inbound: InboundMessage): Promise<void> {
    const { store } = this.deps;
    const now = this.clock();
    const country = inbound.channel === 'sms' ? parsePhone(inbound.address)?.country : undefined;
    const { contact, created } = await findOrCreateContact(
      store,
      { channel: inbound.channel, value: inbound.address, transport: inbound.transport, country },
      now,
    );
    const saved = await store.collection('sessions').findOne({ _id: contact._id });
    if (saved?.lastInboundId === inbound._id) {
      await this.markHandled(inbound, now);
      return;
    }
    const live = saved && saved.active && saved.expiresAt > now;
    const turn: Turn = {
      inbound,
      contact,
      created,
      now,
      lang: this.languageOf(contact),
      replies: [],
      session: live
        ? {
            active: true,
            flowId: saved.flowId,
            stepId: saved.stepId,
            answers: saved.answers ?? {},
            invalid: saved.invalid ?? 0,
            startedAt: saved.startedAt,
          }
        : IDLE(),
    };

    await this.dispatch(turn);
    await this.queueReplies(turn);
    const expiresAt = new Date(now.getTime() + this.deps.settings.sessionTimeoutMinutes * 60_000);
    await store.collection('sessions').updateOne(
      { _id: contact._id },
      {
        $set: {
          active: turn.session.active,
          flowId: turn.session.flowId,
          flowVersion: turn.session.flowId ? this.deps.flows[turn.session.flowId]?.version : undefined,
          stepId: turn.session.stepId,
          answers: turn.session.answers,
          invalid: turn.session.invalid,
          startedAt: turn.session.startedAt,
          lastInboundId: inbound._id,
          updatedAt: now,
          expiresAt,
        },
      },
      { upsert: true },
    );
    await this.markHandled(inbound, now);
  }

  private async markHandled(inbound: InboundMessage, now: Date): Promise<void> {
    await this.deps.store
      .collection('inbound')
      .updateOne(
        { _id: inbound._id },
        { $set: { status: 'handled', handledAt: now }, $inc: { attempts: 1 } },
      );
  }

  private languageOf(contact: Contact): Language {
    if (contact.language) return contact.language;
    return countryDefaults(contact.country)?.language ?? this.deps.settings.defaultLanguage;
  }

  private currencyOf(contact: Contact): string {
    return countryDefaults(contact.country)?.currency ?? this.deps.settings.defaultCurrency;
  }

  private t(turn: Turn, key: string, vars: Record<string, unknown> = {}): string {
    return this.deps.translator.t(turn.lang, key, vars);
  }

  private say(turn: Turn, key: string, vars: Record<string, unknown> = {}): void {
    turn.replies.push({ text: this.t(turn, key, vars) });
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
    const text = turn.inbound.text.trim();
    const kw = this.keywords.match(text);

    if (kw?.keyword === 'stop') return this.optOut(turn);
    if (turn.contact.optedOut) {
      if (kw?.keyword === 'start') return this.optIn(turn);
      // An opted-out person gets no messages; a complete one-SMS report still counts, silently.
      if (kw?.keyword === 'price') {
        await this.oneShotPrice(turn, kw, false);
        turn.replies = [];
      }
      return;
    }

    const current = this.currentStep(turn);
    // A number answers the question on screen; it is never read as a keyword.
    if (current?.step.type === 'ask' && /^\d{1,2}$/.test(text))
      return this.answer(turn, current.flow, current.step, text);

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
          return this.oneShotPrice(turn, kw, true);
        case 'profile':
          return this.startFlow(turn, 'registration');
        default:
          // skip / yes / no: answers when a question is open
          if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
          return this.say(turn, 'replies.unknown');
      }
    }

    if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
    if (turn.created) return this.startFlow(turn, 'welcome');
    return this.say(turn, 'replies.unknown');
  }

  // ---- flows ---------------------------------------------------------------------

  private endSession(turn: Turn): void {
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
      startedAt: turn.now,
    };
    if (flowId === 'registration' && turn.contact.registration === 'none') {
      await this.deps.store
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
          this.say(turn, `flows.${flow.id}.${step.id}.say`, this.vars(turn));
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
          this.endSession(turn);
          if (step.then) await this.startFlow(turn, step.then);
          return;
      }
    }
    throw new Error(`flow ${flow.id} loops without asking anything`);
  }

  private optionLabels(turn: Turn, flow: Flow, step: AskStep): string[] {
    if (step.input === 'yesno') return [this.t(turn, 'answers.yes'), this.t(turn, 'answers.no')];
    return (step.options ?? []).map((o) => {
      if (step.optionLabels === 'languageNames') return LANGUAGE_NAMES[o as Language] ?? o;
      if (step.optionLabels) return this.t(turn, `${step.optionLabels}.${o}`);
      return this.t(turn, `flows.${flow.id}.${step.id}.options.${o}`);
    });
  }

  private prompt(turn: Turn, flow: Flow, step: AskStep): Draft {
    return {
      text: this.t(turn, `flows.${flow.id}.${step.id}.prompt`, this.vars(turn)),
      options: this.optionLabels(turn, flow, step),
    };
  }

  private async answer(turn: Turn, flow: Flow, step: Step, text: string): Promise<void> {
    if (step.type !== 'ask') return this.say(turn, 'replies.unknown');
    const skipWord = this.keywords.match(text, ['skip']);
    if (step.skippable && (text === '0' || skipWord))
      return this.advance(turn, flow, this.nextOf(flow, step));

    const result = readInput(step, text, {
      optionLabels: this.optionLabels(turn, flow, step),
      yesNo: (t) => {
        const m = this.keywords.match(t, ['yes', 'no']);
        return m ? m.keyword === 'yes' : undefined;
      },
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
  private vars(turn: Turn): Record<string, unknown> {
    const a = turn.session.answers;
    const d = this.priceDefaults(turn);
    return {
      ...a,
      mineral: a.mineral ? this.t(turn, `minerals.${a.mineral}`) : '',
      amount: typeof a.amount === 'number' ? formatAmount(a.amount, turn.lang) : '',
      currency: a.currency ?? d.currency,
      unit: a.unit ?? d.unit,
    };
  }

  private priceDefaults(turn: Turn): { currency: string; unit: Unit } {
    const mineral = (turn.session.answers.mineral as Mineral | undefined) ?? 'gold';
    return { currency: this.currencyOf(turn.contact), unit: defaultUnitFor(mineral) };
  }

  // ---- keywords and actions ----------------------------------------------------------

  private async optOut(turn: Turn): Promise<void> {
    this.endSession(turn);
    await this.deps.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { optedOut: true, optedOutAt: turn.now } });
    turn.contact.optedOut = true;
    this.say(turn, 'replies.stop');
  }

  private async optIn(turn: Turn): Promise<void> {
    await this.deps.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { optedOut: false }, $unset: { optedOutAt: '' } });
    turn.contact.optedOut = false;
    this.say(turn, 'replies.start');
  }

  private async setLanguage(turn: Turn, lang: Language, source: 'explicit' | 'inferred'): Promise<void> {
    if (!isLanguage(lang)) return;
    await this.deps.store
      .collection('contacts')
      .updateOne({ _id: turn.contact._id }, { $set: { language: lang, languageSource: source } });
    turn.contact.language = lang;
    turn.contact.languageSource = source;
    turn.lang = lang;
  }

  private async saveProfile(turn: Turn): Promise<void> {
    const a = turn.session.answers;
    const set: Record<string, unknown> = { registration: 'complete' };
    for (const k of ['role', 'site', 'region'] as const) if (typeof a[k] === 'string') set[k] = a[k];
    await this.deps.store.collection('contacts').updateOne({ _id: turn.contact._id }, { $set: set });
    Object.assign(turn.contact, set);
  }

  /** `PRICE …`: stored at once when the SMS says enough, otherwise the guided flow picks up what it said. */
  private async oneShotPrice(turn: Turn, kw: KeywordMatch, reply: boolean): Promise<void> {
    if (kw.languages.length === 1 && turn.contact.languageSource !== 'explicit') {
      await this.setLanguage(turn, kw.languages[0], 'inferred');
    }
    const parts = parsePriceParts(kw.rest);
    const answers: Record<string, unknown> = {};
    for (const k of ['mineral', 'amount', 'currency', 'unit', 'placeOfSale'] as const) {
      if (parts[k] !== undefined) answers[k] = parts[k];
    }
    if (parts.mineral && parts.amount !== undefined && parts.unknown.length === 0) {
      turn.session = { active: false, answers, invalid: 0 };
      const d = this.priceDefaults(turn);
      answers.currency ??= d.currency;
      answers.unit ??= d.unit;
      await this.storePrice(turn);
      this.endSession(turn);
      return;
    }
    if (!reply) return;
    delete answers.placeOfSale;
    await this.startFlow(turn, 'price', answers);
  }

  private async storePrice(turn: Turn): Promise<void> {
    const a = turn.session.answers;
    const c = turn.contact;
    const report = await insertReport(this.deps.store, {
      kind: 'price',
      anonymous: false,
      contactId: c._id,
      sourceKey: `${turn.inbound.channel}:${turn.inbound._id}`,
      channel: turn.inbound.channel,
      language: turn.lang,
      mineral: a.mineral as Mineral,
      amount: a.amount as number,
      currency: a.currency as string,
      unit: a.unit as Unit,
      placeOfSale: a.placeOfSale as string | undefined,
      site: c.site,
      region: c.region,
      country: c.country,
      createdAt: turn.now,
    });
    const key = c.registration === 'none' ? 'flows.price.savedInvite.say' : 'flows.price.saved.say';
    this.say(turn, key, { ...this.vars(turn), ref: report.reference });
  }

  // ---- replies -----------------------------------------------------------------------

  private async queueReplies(turn: Turn): Promise<void> {
    const { inbound } = turn;
    const messages: Partial<OutboundMessage>[] = turn.replies.map((draft, i) => {
      const rendered =
        inbound.channel === 'sms'
          ? renderSms(draft, this.deps.settings.smsFoldGsm)
          : {
              text: [draft.text, ...(draft.options ?? []).map((o, n) => `${n + 1} ${o}`)].join('\n'),
              segments: 1,
              encoding: 'text' as const,
            };
      return {
        channel: inbound.channel,
        transport: inbound.transport,
        to: inbound.address,
        contactId: turn.contact._id,
        text: rendered.text,
        segments: rendered.segments,
        encoding: rendered.encoding,
        priority: PRIORITY.reply,
        inReplyTo: inbound._id,
        dedupeKey: `reply:${inbound._id}:${i}`,
        createdAt: new Date(turn.now.getTime() + i),
        nextAttemptAt: turn.now,
      };
    });
    await enqueue(this.deps.store, messages);
  }
}
