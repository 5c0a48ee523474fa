import { findOrCreateContact } from '../contacts/contacts';
import { DuplicateKey } from '../domain/errors';
import { parsePhone } from '../domain/phone';
import { toHour } from '../domain/privacy';
import { Translator } from '../i18n';
import { Draft, Rendered } from '../i18n/render';
import { Address, Contact, InboundMessage } from '../models';
import { AskStep, Flow, Step, flowSchema } from '../models/flowDefinition';
import type { Metrics } from '../metrics';
import { forgetSender } from '../reports/store';
import { wakeWaiting } from '../outbox/fallback';
import { Store } from '../store/types';
import { ActionRegistry, FLOW_ACTIONS, checkActions } from './actions';
import { tappedPollAnswer, typedPollAnswer } from './actions/polls';
import { restart, registrationStarted } from './actions/profile';
import { decodeCallback } from './callbacks';
import { readInput } from './inputs';
import { KEYWORD_HANDLERS, chatStart, report } from './keywords';
import { KeyedQueue } from './keyedQueue';
import { notUnderstood, understand } from './understand';
import { FlowControl, FlowSettings, Turn, TurnKit, idleSession, sessionFrom } from './turn';
import { KeywordMatcher } from './words';
import { optionLabels, promptOf } from './prompt';
import { markHandled, queueReplies, queuedReplies } from './replies';

/** What the engine needs from the rest of the service. */
export interface EngineDeps {
  store: Store;
  metrics?: Metrics;
  translator: Translator;
  flows: Record<string, Flow>;
  /** What `action` steps may run; every flow is checked against it when it is loaded. */
  actions?: ActionRegistry;
  settings: FlowSettings;
  clock?: () => Date;
}

/** What one handled message produced, for callers that show it (the simulator). */
export interface HandleResult {
  replies: Rendered[];
}

const MAX_INVALID = 3;
/** How long a survey started by a broadcast waits for its first answer. */
const STARTED_FLOW_DAYS = 7;

/**
 * The flow engine: one interpreter for every flow definition, global keywords that
 * interrupt any flow (STOP always wins), and one-SMS reports. For each inbound message
 * it writes the effects, queues the replies, then saves the session last, all in one
 * unit of work; a message whose session already names it is not applied twice.
 *
 * Two public entries: {@link handle} for a message, {@link begin} for a flow started
 * from outside a conversation (a survey). Actions and keyword handlers get a {@link Turn}
 * and the {@link FlowControl} this engine implements; they never import the engine.
 */
export class FlowEngine implements FlowControl {
  readonly kit: TurnKit;
  readonly clock: () => Date;
  private readonly actions: ActionRegistry;
  private queue = new KeyedQueue();

  constructor(readonly deps: EngineDeps) {
    const words = new KeywordMatcher(deps.translator);
    this.kit = {
      translator: deps.translator,
      settings: deps.settings,
      words,
      vocabulary: words.vocabulary(),
    };
    this.clock = deps.clock ?? (() => new Date());
    this.actions = deps.actions ?? FLOW_ACTIONS;
    // a flow naming an action that does not exist refuses to start the service
    for (const flow of Object.values(deps.flows)) checkActions(flow, this.actions);
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
    const phone = inbound.channel === 'sms' || inbound.channel === 'whatsapp';
    const country = phone ? parsePhone(inbound.address)?.country : undefined;
    const { contact, created } = await findOrCreateContact(
      store,
      { channel: inbound.channel, value: inbound.address, transport: inbound.transport, country },
      now,
    );
    // a WhatsApp message opens the person's 24-hour window: what waited for it goes now
    if (inbound.channel === 'whatsapp') await wakeWaiting(store, inbound.address, now);
    const saved = await store.collection('sessions').findOne({ _id: contact._id });
    if (saved?.flowId) await this.loadFlow(saved.flowId);
    if (saved?.lastInboundId === inbound._id) {
      // handled already (a redelivery, or another handler got there first): the replies it
      // queued then, so a caller showing them (the simulator) shows what the person got
      await markHandled(store, inbound, now);
      return { replies: await queuedReplies(store, inbound._id) };
    }
    const session = sessionFrom(saved, now);
    const turn = new Turn(this.kit, store, inbound, contact, session, created, now);

    await this.dispatch(turn);
    // a photo sent in the middle of a report waits in its answers for the report
    if (inbound.extra?.media?.length && turn.session.active) turn.session.answers.media = turn.media();
    if (options.silent) turn.replies = [];
    const rendered = await queueReplies(turn, this.deps.settings.smsFoldGsm);
    await this.saveSession(turn, { lastInboundId: inbound._id });
    await markHandled(store, inbound, now);
    if (turn.anonymised) await forgetSender(store, turn.anonymised, now);
    return { replies: rendered };
  }

  /**
   * Starts a flow for a contact outside a conversation (a survey reaching its audience):
   * the session moves to the flow's first question, whose drafts are returned to be
   * queued. Undefined when the person is in the middle of another conversation: they are
   * not interrupted.
   */
  async begin(
    store: Store,
    contact: Contact,
    address: Address,
    flowId: string,
    now: Date,
  ): Promise<Draft[] | undefined> {
    await this.loadFlow(flowId);
    const inbound = {
      _id: `begin:${flowId}:${contact._id}`,
      channel: address.channel,
      transport: address.transport,
      address: address.value,
      text: '',
    } as InboundMessage;
    const turn = new Turn(this.kit, store, inbound, contact, idleSession(), false, now);
    await this.start(turn, flowId);
    const expiresAt = new Date(now.getTime() + STARTED_FLOW_DAYS * 86_400_000);
    try {
      await this.saveSession(turn, { expiresAt, onlyIfIdle: true });
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      return undefined;
    }
    return turn.replies;
  }

  /** The question a flow already loaded asks at a step; undefined when the step is not a question. */
  askStep(flowId: string, stepId: string): AskStep | undefined {
    const step = this.deps.flows[flowId]?.steps.find((s) => s.id === stepId);
    return step?.type === 'ask' ? step : undefined;
  }

  /** Makes a flow stored as data (a survey) available to the engine, checked against the actions. */
  async loadFlow(flowId: string): Promise<Flow | undefined> {
    if (this.deps.flows[flowId]) return this.deps.flows[flowId];
    const stored = await this.deps.store.collection('flows').findOne({ _id: flowId });
    if (!stored) return undefined;
    const flow = flowSchema.parse(stored.definition);
    checkActions(flow, this.actions);
    this.deps.flows[flowId] = flow;
    return flow;
  }

  /**
   * Writes the session last. `onlyIfIdle`: only over an ended or expired one (a started
   * flow never interrupts a conversation; a busy contact makes the write fail as a duplicate).
   */
  private async saveSession(
    turn: Turn,
    opts: { lastInboundId?: string; expiresAt?: Date; onlyIfIdle?: boolean },
  ): Promise<void> {
    const s = turn.session;
    const timeout = this.deps.settings.sessionTimeoutMinutes * 60_000;
    const filter = opts.onlyIfIdle
      ? { _id: turn.contact._id, $or: [{ active: false }, { expiresAt: { $lt: turn.now } }] }
      : { _id: turn.contact._id };
    await turn.store.collection('sessions').updateOne(
      filter,
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
          browse: s.browse ?? null,
          ...(opts.lastInboundId ? { lastInboundId: opts.lastInboundId } : {}),
          // after an anonymous report the person's session keeps the hour, not the minute
          updatedAt: turn.anonymised ? toHour(turn.now) : turn.now,
          expiresAt:
            opts.expiresAt ?? new Date((turn.anonymised ? toHour(turn.now) : turn.now).getTime() + timeout),
        },
      },
      { upsert: true },
    );
  }

  private isSensitive(flowId: string | undefined): boolean {
    return !!flowId && !!this.deps.flows[flowId]?.sensitive;
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
    if (extra.start) return chatStart(turn, extra.startPayload, this);
    const text = extra.location
      ? `${extra.location.lat.toFixed(2)},${extra.location.lon.toFixed(2)}`
      : turn.inbound.text.trim();
    const kw = extra.location || extra.callbackData ? undefined : this.kit.words.match(text);

    if (kw?.keyword === 'stop') return KEYWORD_HANDLERS.stop(turn, kw, this);
    if (turn.contact.optedOut) {
      if (kw?.keyword === 'start') return restart(turn);
      // An opted-out person gets no messages; a complete one-SMS report still counts, silently.
      if (kw && ['price', 'issue', 'incident'].includes(kw.keyword) && !kw.question) {
        await report(turn, kw, this);
        turn.replies = [];
        if (turn.session.active) turn.end();
      }
      return;
    }

    const current = this.currentStep(turn);
    if (current && this.isSensitive(current.flow.id)) {
      turn.session.inboundIds.push(turn.inbound._id);
      turn.sensitive = true;
    }
    if (extra.callbackData) {
      const tap = decodeCallback(extra.callbackData);
      if (tap?.kind === 'poll') return tappedPollAnswer(turn, tap.pollId, tap.option);
      // A tap is the typed answer to the question its button belongs to; an old button does nothing.
      const open =
        current?.step.type === 'ask' && current.flow.id === tap?.flowId && current.step.id === tap.stepId;
      if (open && tap) return this.answer(turn, current.flow, current.step, tap.value);
      return;
    }
    if (extra.location) {
      if (current?.step.type === 'ask' && current.step.input === 'text')
        return this.answer(turn, current.flow, current.step, text);
      return turn.say('replies.unknown');
    }
    // A number answers the question on screen; it is never read as a keyword.
    if (current?.step.type === 'ask' && /^\d{1,2}$/.test(text)) {
      return this.answer(turn, current.flow, current.step, text);
    }
    if (kw) return KEYWORD_HANDLERS[kw.keyword](turn, kw, this);
    if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
    // a price written freely, a question about the market
    if (await understand(turn, text, this)) return;
    if (turn.created) return this.start(turn, 'welcome');
    if (await typedPollAnswer(turn, text)) return;
    return notUnderstood(turn, text);
  }

  /** {@link FlowControl.answerOpen}: the open question, else a poll, else not understood. */
  async answerOpen(turn: Turn, text: string): Promise<void> {
    const current = this.currentStep(turn);
    if (current?.step.type === 'ask') return this.answer(turn, current.flow, current.step, text);
    if (await typedPollAnswer(turn, text)) return;
    return turn.say('replies.unknown');
  }

  // ---- flows ---------------------------------------------------------------------

  /** {@link FlowControl.start}: a flow from its first step, with answers already known. */
  async start(turn: Turn, flowId: string, answers: Record<string, unknown> = {}): Promise<void> {
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
    if (flowId === 'registration') {
      // a first registration after a QR /start: the site is known, it is not asked
      if (turn.contact.registration !== 'complete' && turn.contact.site)
        turn.session.answers.site ??= turn.contact.site;
      await registrationStarted(turn);
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
      if (!step) return turn.end();
      switch (step.type) {
        case 'ask': {
          const fills = step.fills ?? [step.save];
          if (step.skipIfAnswered && fills.every((f) => turn.session.answers[f] !== undefined)) {
            stepId = this.nextOf(flow, step);
            continue;
          }
          turn.session.stepId = step.id;
          turn.session.invalid = 0;
          turn.replies.push(promptOf(turn, flow, step));
          return;
        }
        case 'say':
          turn.say(step.key ?? `flows.${flow.id}.${step.id}.say`, turn.vars());
          stepId = this.nextOf(flow, step);
          continue;
        case 'action':
          await this.actions[step.action](turn);
          stepId = this.nextOf(flow, step);
          continue;
        case 'branch': {
          const hit = step.cases.find((c) => turn.session.answers[c.answer] === c.equals);
          stepId = hit ? hit.next : step.otherwise;
          continue;
        }
        case 'end': {
          this.deps.metrics?.flowCompletions.inc({ flow: flow.id });
          // answers named in `keep` carry into the flow that follows
          const kept = Object.fromEntries((step.keep ?? []).map((k) => [k, turn.session.answers[k]]));
          turn.end();
          if (step.then) await this.start(turn, step.then, kept);
          return;
        }
      }
    }
    throw new Error(`flow ${flow.id} loops without asking anything`);
  }

  private async answer(turn: Turn, flow: Flow, step: Step, text: string): Promise<void> {
    if (step.type !== 'ask') return turn.say('replies.unknown');
    if (step.skippable && (text === '0' || turn.isWord(text, 'skip'))) {
      return this.advance(turn, flow, this.nextOf(flow, step));
    }
    const result = readInput(step, text, {
      optionLabels: optionLabels(turn, flow, step),
      yesNo: (t) => {
        const m = this.kit.words.match(t, ['yes', 'no']);
        return m ? m.keyword === 'yes' : undefined;
      },
      anonymous: (t) => turn.isWord(t, 'anon'),
    });
    if (!result.ok) {
      turn.session.invalid += 1;
      if (turn.session.invalid >= MAX_INVALID) {
        turn.end();
        return turn.say('errors.tooMany');
      }
      return turn.say(result.error);
    }
    const { acceptDefaults, ...answers } = result.answers;
    Object.assign(turn.session.answers, answers);
    if (acceptDefaults) {
      const d = turn.priceDefaults();
      turn.session.answers.currency ??= d.currency;
      turn.session.answers.unit ??= d.unit;
    }
    turn.session.invalid = 0;
    await this.advance(turn, flow, this.nextOf(flow, step));
  }

  // ---- replies -----------------------------------------------------------------------
}
