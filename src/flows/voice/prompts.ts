import { latestPollSentTo } from '../../campaigns/polls';
import { keypadDigits, referencesTyped } from '../../domain/keypad';
import { LANGUAGES } from '../../domain/language';
import { UNITS, Unit } from '../../domain/minerals';
import { REF_PREFIX } from '../../domain/ids';
import { pickText } from '../../i18n/texts';
import { Contact, OutboundMessage } from '../../models';
import { AskStep, Flow } from '../../models/flowDefinition';
import { Store } from '../../store/types';
import type { FlowEngine } from '../engine';
import { Turn, idleSession } from '../turn';
import { Segment, Speaker } from './speech';
import { KEY_TIMEOUT_SEC, NUMBER_TIMEOUT_SEC, RECORD_MAX_SEC, VoiceAnswer, VoiceFrame } from './types';

/** One request's work: the call's state and a turn maker for its keypress. */
export interface StepContext {
  store: Store;
  contact: Contact;
  now: Date;
  index: number;
  callSid: string;
  stack: VoiceFrame[];
  reports: number;
  turn: (text?: string) => Turn;
  /** Messages were queued (alerts to on-call staff): the outbox is woken once the step commits. */
  queued?: boolean;
  /** Recordings left on this step, with when to delete them at the provider (see `VoiceCall.recordings`). */
  recordings: { sid: string; reportId?: string; until: Date }[];
}

type Answer = Omit<VoiceAnswer, 'step'>;
type FlowFrame = Extract<VoiceFrame, { at: 'flow' }>;

/** Replies of the flows (their translation keys) and what the voice line says instead. */
const SPOKEN_REPLIES: Record<string, string> = {
  'flows.price.saved.say': 'priceSaved',
  'flows.price.savedInvite.say': 'priceSaved',
  'flows.price.notSaved.say': 'priceNotSaved',
  'flows.incident.saved.say': 'incidentSaved',
  'flows.incident.savedAnonymous.say': 'incidentSavedAnonymous',
  'flows.incident.savedUrgent.say': 'incidentSavedUrgent',
  'flows.incident.savedUrgentAnonymous.say': 'incidentSavedUrgentAnonymous',
  'market.both': 'both',
  'market.reference': 'reference',
  'market.local': 'local',
  'market.noneHere': 'noneHere',
  'status.usage': 'notFound',
  'status.notFound': 'notFound',
  'status.new': 'new',
  'status.seen': 'seen',
  'status.in_progress': 'in_progress',
  'status.closed': 'closed',
  'poll.thanks': 'pollThanks',
  'poll.closed': 'pollClosed',
  'flows.language.done.say': 'languageDone',
};

/** Every reply the voice line speaks (for the test that each has a spoken version in every language). */
export const SPOKEN_REPLY_KEYS = [...new Set(Object.values(SPOKEN_REPLIES))].map((k) => `voice.replies.${k}`);

/** Inputs typed as a number ended by `#`. */
const NUMBER_INPUTS = new Set(['amount', 'count', 'number', 'karat']);

/** What the caller hears for each place in the menus, and how keys become the flows' answers. */
export class Prompter {
  constructor(
    private readonly engine: FlowEngine,
    private readonly speaker: Speaker,
  ) {}

  /** The question of the frame on top, after `before` (what the last step said; `0` repeats only the question). */
  async show(ctx: StepContext, before: Segment[] = []): Promise<Answer> {
    const q = await this.question(ctx);
    if (q.speech.length === 0 && !q.input) return q;
    const head = [...before, ...(q.before ?? [])];
    return { speech: [...head, ...q.speech], input: q.input, repeatFrom: head.length };
  }

  private async question(ctx: StepContext): Promise<Answer & { before?: Segment[] }> {
    const top = ctx.stack[ctx.stack.length - 1];
    const turn = ctx.turn();
    const say = (key: string, vars?: Record<string, unknown>) => this.speaker.say(turn.lang, key, vars);
    const oneKey = { kind: 'keys', numDigits: 1, timeoutSec: KEY_TIMEOUT_SEC } as const;
    if (top.at === 'menu') {
      const alerts = say(ctx.contact.prefersVoice ? 'voice.alerts.back' : 'voice.alerts.offer');
      const speech = [...say('voice.menu'), ...alerts, ...say('voice.languageKey'), ...say('voice.keys')];
      return { speech, input: oneKey };
    }
    if (top.at === 'poll') return this.showPoll(ctx, turn, top.pollId);
    const flow = await this.engine.loadFlow(top.flowId);
    const step = flow?.steps.find((s) => s.id === top.stepId);
    if (!flow || step?.type !== 'ask') {
      ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
      return this.question(ctx);
    }
    turn.session = { ...idleSession(), active: true, flowId: flow.id, stepId: step.id, answers: top.answers };
    const d = turn.priceDefaults();
    switch (top.sub) {
      case 'currency':
        return { speech: say('voice.price.currency', { currency: d.currency }), input: oneKey };
      case 'unit':
        return {
          speech: [
            ...say('voice.price.unit', { unit: d.unit }),
            ...this.options(
              turn,
              otherUnits(d.unit).map((u) => this.speaker.label(turn.lang, `voice.units.${u}`)),
              2,
            ),
          ],
          input: oneKey,
        };
      case 'describe':
        return { speech: say('voice.incident.describe'), input: oneKey };
      case 'record':
        return {
          speech: say('voice.incident.record'),
          input: { kind: 'record', maxLengthSec: RECORD_MAX_SEC },
        };
    }
    const a = top.answers;
    const prompt = say(promptKey(flow, step), {
      mineral: a.mineral ? [this.speaker.label(turn.lang, `minerals.${a.mineral}`)] : [],
      amount: a.amount,
      currency: a.currency ?? d.currency,
      unit: a.unit ?? d.unit,
      median: a.median,
    });
    if (NUMBER_INPUTS.has(step.input) || step.input === 'text')
      return { speech: prompt, input: { kind: 'keys', timeoutSec: NUMBER_TIMEOUT_SEC } };
    const named = step.input === 'yesno' || step.id === 'privacy';
    const options = named ? [] : this.choices(turn, flow, step);
    return { speech: [...prompt, ...options], input: oneKey };
  }

  /**
   * The question a flow moved to: asked as it is, through voice-only questions (currency
   * then unit; the offer of a spoken description), or skipped when the keypad cannot answer it.
   */
  async next(
    ctx: StepContext,
    turn: Turn,
    before: Segment[],
    skip: (turn: Turn, answer: string) => Promise<Answer>,
  ): Promise<Answer> {
    const top = ctx.stack[ctx.stack.length - 1] as FlowFrame;
    const flow = await this.engine.loadFlow(top.flowId);
    const step = flow?.steps.find((s) => s.id === top.stepId);
    if (flow && step?.type === 'ask') {
      if (step.input === 'currencyUnit') {
        const d = turn.priceDefaults();
        if (d.currency === 'USD') Object.assign(top, { sub: 'unit', currency: 'USD' });
        else top.sub = 'currency';
      } else if (step.input === 'text' && step.skippable) {
        const firstText = flow.steps.find((s) => s.type === 'ask' && s.input === 'text' && s.skippable);
        if (!(flow.sensitive && firstText === step)) {
          const rest = await skip(turn, '0');
          return { ...rest, speech: [...before, ...rest.speech] };
        }
        top.sub = 'describe';
      }
    }
    return this.show(ctx, before);
  }

  /**
   * An alert the line called to say: its text in the person's language, said where `<Say>`
   * speaks the language, otherwise played from the recording staff attached to the
   * broadcast for it (a staff recording wins in any language), then how to hear it again.
   */
  alert(turn: Turn, out: Pick<OutboundMessage, 'text' | 'call'>): Segment[] {
    const message: Segment = { lang: turn.lang, text: out.text, name: out.call?.recording };
    return [
      ...this.speaker.say(turn.lang, 'voice.alert.intro'),
      message,
      ...this.speaker.say(turn.lang, 'voice.alert.again'),
    ];
  }

  /** Menu 5: the latest poll the person was sent, while it is open. */
  async openPoll(ctx: StepContext, turn: Turn): Promise<Answer> {
    const poll = await latestPollSentTo(ctx.store, ctx.contact._id, ctx.now);
    if (!poll || ctx.now < poll.opensAt || ctx.now > poll.closesAt)
      return this.show(ctx, this.speaker.say(turn.lang, 'voice.poll.none'));
    ctx.stack.push({ at: 'poll', pollId: poll._id });
    return this.show(ctx);
  }

  private async showPoll(
    ctx: StepContext,
    turn: Turn,
    pollId: string,
  ): Promise<Answer & { before?: Segment[] }> {
    const poll = await ctx.store.collection('polls').findOne({ _id: pollId });
    const fallback = this.engine.deps.settings.defaultLanguage;
    const lang = turn.lang;
    const clip = (name: string, texts: Record<string, string>): Segment => ({
      lang,
      text: pickText(texts, lang, fallback),
      name: `poll-${pollId}.${name}`,
    });
    const speech = poll
      ? [
          clip('question', poll.question),
          ...this.options(
            turn,
            poll.options.map((o, i) => clip(`option${i + 1}`, o)),
            1,
          ),
        ]
      : [];
    // a poll staff wrote in a language the line can neither say nor play: no silence, the menu
    if (!poll || this.speaker.plan(speech).missing.length) {
      ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
      const menu = await this.question(ctx);
      return { ...menu, before: this.speaker.say(lang, poll ? 'voice.poll.noVoice' : 'voice.poll.none') };
    }
    return { speech, input: { kind: 'keys', numDigits: 1, timeoutSec: KEY_TIMEOUT_SEC } };
  }

  /** `1` keeps the currency offered; `2` is US dollars. */
  currencyChoice(turn: Turn, digits: string): string | undefined {
    if (digits === '1') return turn.priceDefaults().currency;
    return digits === '2' ? 'USD' : undefined;
  }

  /** `1` keeps the unit offered; `2`… the other units, in the order they were read. */
  unitChoice(turn: Turn, digits: string): Unit | undefined {
    const d = turn.priceDefaults().unit;
    if (digits === '1') return d;
    return /^\d$/.test(digits) ? otherUnits(d)[Number(digits) - 2] : undefined;
  }

  /** Whether the question may be skipped (with `#` alone). */
  skippable(top: FlowFrame): boolean {
    return !!this.engine.askStep(top.flowId, top.stepId)?.skippable;
  }

  /** Keys as the flow's answer: a number, a choice, a reference typed letter by key; undefined when they cannot be one. */
  async typed(ctx: StepContext, turn: Turn, top: FlowFrame, digits: string): Promise<string | undefined> {
    const step = this.engine.askStep(top.flowId, top.stepId);
    if (!step) return undefined;
    if (NUMBER_INPUTS.has(step.input)) {
      if (digits === '') return step.skippable ? '0' : undefined;
      return /^\d{1,12}$/.test(digits) ? digits : undefined;
    }
    if (step.input === 'text') return digits ? this.reference(ctx, digits) : undefined;
    return /^\d$/.test(digits) ? digits : undefined;
  }

  /** The spoken versions of what the flow replied; error replies give way to the question asked again. */
  replies(turn: Turn): Segment[] {
    const out = turn.replies.flatMap((r) => {
      const key = r.key && SPOKEN_REPLIES[r.key];
      if (r.key === 'errors.tooMany') return this.speaker.say(turn.lang, 'voice.tooMany');
      return key ? this.speaker.say(turn.lang, `voice.replies.${key}`, r.vars) : [];
    });
    turn.replies = [];
    return out;
  }

  /**
   * A reference typed on the keypad: the report whose signs those keys carry, the caller's own
   * first (then an anonymous one, which anyone holding its reference may follow).
   */
  private async reference(ctx: StepContext, digits: string): Promise<string> {
    const bodies = referencesTyped(digits);
    if (!bodies.length) return digits;
    const reports = ctx.store.collection('reports');
    const own = await reports.find(
      { contactId: ctx.contact._id, reference: { $in: withPrefixes(bodies) } },
      { limit: 1 },
    );
    if (own.length) return own[0].reference;
    const anonymous = await reports.find(
      { anonymous: true, reference: { $in: withPrefixes(bodies, [REF_PREFIX.issue, REF_PREFIX.incident]) } },
      { limit: 2 },
    );
    // two anonymous reports typed with the same keys: neither is told
    return anonymous.length === 1 && keypadDigits(anonymous[0].reference) === digits
      ? anonymous[0].reference
      : digits;
  }

  /** "For gold, press 1." for each label, numbered from `first`. */
  private options(turn: Turn, labels: Segment[], first: number): Segment[] {
    return labels.flatMap((label, i) =>
      this.speaker.say(turn.lang, 'voice.option', { label: [label], n: first + i }),
    );
  }

  /** A question's choices: labels in the caller's language, or each language named in itself. */
  private choices(turn: Turn, flow: Flow, step: AskStep): Segment[] {
    const values = step.options ?? [];
    if (step.optionLabels === 'languageNames')
      return LANGUAGES.flatMap((l, i) => this.speaker.say(l, 'voice.languageOption', { n: i + 1 }));
    const key = (o: string) =>
      step.optionLabels ? `${step.optionLabels}.${o}` : `flows.${flow.id}.${step.id}.options.${o}`;
    return this.options(
      turn,
      values.map((o) => this.speaker.label(turn.lang, key(o))),
      1,
    );
  }
}

/** The voice text of a flow's question: `voice.<flow>.<step>` (the language menu has its own). */
export function promptKey(flow: Flow, step: AskStep): string {
  return flow.id === 'language' ? 'voice.language.prompt' : `voice.${flow.id}.${step.id}`;
}

/** The units offered after the one a mineral is usually sold by. */
function otherUnits(unit: Unit): Unit[] {
  return UNITS.filter((u) => u !== unit);
}

function withPrefixes(bodies: string[], prefixes: string[] = Object.values(REF_PREFIX)): string[] {
  return prefixes.flatMap((p) => bodies.map((b) => `${p}-${b}`));
}
