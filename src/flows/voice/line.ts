import { contactLanguage, findOrCreateContact, updateProfile } from '../../contacts/contacts';
import { isLanguage } from '../../domain/language';
import { parsePhone } from '../../domain/phone';
import { toHour } from '../../domain/privacy';
import { Contact, InboundMessage, VoiceCall } from '../../models';
import { enqueue } from '../../outbox/compose';
import { forgetSender } from '../../reports/store';
import { Store } from '../../store/types';
import { typedPollAnswer } from '../actions/polls';
import { KeyedQueue } from '../keyedQueue';
import { Turn, idleSession, resumedSession } from '../turn';
import { Prompter, StepContext } from './prompts';
import { SAY_LANGUAGES } from './speech';
import { VOICE_MENU, VoiceAnswer, VoiceDeps, VoiceFrame, VoiceRequest } from './types';

/**
 * The voice line: the same flows as SMS and USSD, heard on a phone call and answered with
 * the keypad (Twilio Voice). Each keypress is one small request keyed by the call's
 * `CallSid`: the line applies it to the call's state (kept in `voiceCalls`, never with the
 * phone number), and answers what to say next and what to wait for. `0` repeats, `*` goes
 * back one question, silence twice ends the call politely. A report is written only by the
 * step that confirms it, in one unit of work; the same request again (a retry) gets the
 * same answer and changes nothing.
 */
export class VoiceLine {
  private queue = new KeyedQueue();
  private readonly clock: () => Date;
  private readonly retentionMs: number;
  readonly prompter: Prompter;

  constructor(readonly deps: VoiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.retentionMs = deps.retentionDays * 86_400_000;
    this.prompter = new Prompter(deps.engine, deps.speaker);
  }

  /** Answers one request of a call. */
  async request(req: VoiceRequest): Promise<VoiceAnswer> {
    const answer = await this.queue.run(req.callSid, () =>
      this.deps.store.unit((tx) => this.requestNow(tx, req)),
    );
    if (answer.changed) this.deps.afterUnit?.();
    delete answer.changed;
    return answer;
  }

  /** Whether the line can speak a language on a call: `<Say>` speaks it, or staff recorded the text (a clip name). */
  speaks(lang: string, recording?: string): boolean {
    if (!isLanguage(lang)) return false;
    return !!SAY_LANGUAGES[lang] || (!!recording && !!this.deps.speaker.clips.recording(lang, recording));
  }

  /** What a caller hears when the request could not be answered: call again, in their country's language. */
  failed(phone: string): VoiceAnswer {
    const country = parsePhone(phone)?.country;
    const lang = contactLanguage(country ? { country } : {}, this.deps.engine.kit.translator.defaultLanguage);
    return { speech: this.deps.speaker.say(lang, 'voice.failed'), hangup: true, step: 0 };
  }

  /** Records how a call ended (Twilio's status callback): its status and length, nothing of the person. */
  async recordStatus(callSid: string, status: string, durationSec?: number): Promise<boolean> {
    const set: Partial<VoiceCall> = { status, updatedAt: this.clock() };
    if (durationSec !== undefined) set.durationSec = durationSec;
    const r = await this.deps.store.collection('voiceCalls').updateOne({ _id: callSid }, { $set: set });
    return r.matched > 0;
  }

  private async requestNow(store: Store, req: VoiceRequest): Promise<VoiceAnswer & { changed?: boolean }> {
    const now = this.clock();
    const calls = store.collection('voiceCalls');
    const saved = await calls.findOne({ _id: req.callSid });
    // a request for an answer already given (the provider retried): the same answer again
    if (saved?.last && req.step !== saved.step) return saved.last as unknown as VoiceAnswer;
    const { contact } = await findOrCreateContact(
      store,
      { channel: 'sms', value: req.phone, transport: 'twilio', country: parsePhone(req.phone)?.country },
      now,
    );
    const index = saved?.step ?? 0;
    const ctx: StepContext = {
      store,
      contact,
      now,
      index,
      callSid: req.callSid,
      stack: (saved?.stack as VoiceFrame[] | undefined) ?? [{ at: 'menu' }],
      reports: saved?.reports ?? 0,
      recordings: [],
      turn: (text = '') => this.turnFor(store, contact, req.callSid, now, index, text),
    };
    const last = saved?.last as VoiceAnswer | undefined;
    let silence = 0;
    let answer: Omit<VoiceAnswer, 'step'>;
    if (!saved) answer = await this.greet(ctx, req.outboundId);
    else if ((req.silence || (await this.silent(ctx, req))) && !this.recording(ctx)) {
      silence = saved.silence + 1;
      answer = silence >= 2 ? this.bye(ctx) : this.again(ctx, last, 'voice.silence');
    } else answer = await this.input(ctx, req, last);
    const full: VoiceAnswer = { ...answer, step: index + 1 };
    const changed = ctx.reports > (saved?.reports ?? 0) || ctx.queued;
    const recordings = [...(saved?.recordings ?? []), ...ctx.recordings];
    const due = recordings.reduce<Date | undefined>((d, r) => (!d || r.until < d ? r.until : d), undefined);
    const latest = recordings.reduce((d, r) => Math.max(d, r.until.getTime()), 0);
    // the call's record outlives its recordings' deletion (its own expiry would lose them)
    const expiresAt = new Date(Math.max(now.getTime() + this.retentionMs, latest + 86_400_000));
    const doc: Omit<VoiceCall, '_id'> = {
      step: index + 1,
      stack: ctx.stack,
      lang: ctx.turn().lang,
      silence,
      last: full as unknown as Record<string, unknown>,
      reports: ctx.reports || undefined,
      recordings: recordings.length ? recordings : undefined,
      recordingsDue: due,
      direction: saved?.direction ?? (req.outboundId ? 'alert' : (req.direction ?? 'inbound')),
      createdAt: saved?.createdAt ?? now,
      updatedAt: now,
      expiresAt,
    };
    const set = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
    await calls.updateOne({ _id: req.callSid }, { $set: set }, { upsert: true });
    return { ...full, changed };
  }

  /** The call is at the spoken description: silence there (nothing recorded) skips it. */
  private recording(ctx: StepContext): boolean {
    const top = ctx.stack[ctx.stack.length - 1];
    return top.at === 'flow' && top.sub === 'record';
  }

  /** Only `#` on a number nobody may skip: as if nothing was pressed. */
  private async silent(ctx: StepContext, req: VoiceRequest): Promise<boolean> {
    if (req.digits === undefined || req.digits.replace(/#$/, '') !== '') return false;
    const top = ctx.stack[ctx.stack.length - 1];
    return !(top.at === 'flow' && !top.sub && this.prompter.skippable(top));
  }

  /** The first words of a call: the greeting, or the alert the line called to say (`0` says it again). */
  private async greet(ctx: StepContext, outboundId?: string): Promise<Omit<VoiceAnswer, 'step'>> {
    const turn = ctx.turn();
    const out = outboundId ? await ctx.store.collection('outbound').findOne({ _id: outboundId }) : null;
    if (out?.call?.purpose !== 'alert')
      return this.prompter.show(ctx, this.deps.speaker.say(turn.lang, 'voice.greeting'));
    const menu = await this.prompter.show(ctx, this.prompter.alert(turn, out));
    return { ...menu, repeatFrom: 0 };
  }

  private bye(ctx: StepContext): Omit<VoiceAnswer, 'step'> {
    return { speech: this.deps.speaker.say(ctx.turn().lang, 'voice.bye'), hangup: true };
  }

  /** The last question again, after a word (nothing heard, a key that is no choice). */
  private again(ctx: StepContext, last: VoiceAnswer | undefined, key: string): Omit<VoiceAnswer, 'step'> {
    const before = this.deps.speaker.say(ctx.turn().lang, key);
    if (!last?.input) return { speech: before, hangup: true };
    const question = last.speech.slice(last.repeatFrom ?? 0);
    return { speech: [...before, ...question], input: last.input, repeatFrom: before.length };
  }

  /** One request with keys pressed (or a recording): repeat, back, or the answer to the question on top. */
  private async input(
    ctx: StepContext,
    req: VoiceRequest,
    last: VoiceAnswer | undefined,
  ): Promise<Omit<VoiceAnswer, 'step'>> {
    const top = ctx.stack[ctx.stack.length - 1];
    const digits = (req.digits ?? '').replace(/#$/, '');
    if (top.at === 'flow' && top.sub === 'record') return this.recorded(ctx, top, req.recording);
    const oneKey = last?.input?.kind === 'keys' && last.input.numDigits === 1;
    if (digits === '0' && oneKey)
      return { speech: last!.speech.slice(last!.repeatFrom ?? 0), input: last!.input, repeatFrom: 0 };
    if (digits.startsWith('*')) {
      if (ctx.stack.length > 1) ctx.stack.pop();
      return this.prompter.show(ctx);
    }
    const turn = ctx.turn(digits);
    switch (top.at) {
      case 'menu': {
        const item = VOICE_MENU[digits];
        if (!item) return this.prompter.show(ctx, this.deps.speaker.say(turn.lang, 'voice.invalid'));
        if (item.poll) return this.prompter.openPoll(ctx, turn);
        if (item.alertsByCall) return this.alertsByCall(ctx, turn);
        await this.deps.engine.start(turn, item.flow!);
        return this.after(ctx, turn, top);
      }
      case 'poll': {
        if (await typedPollAnswer(turn, digits)) return this.after(ctx, turn, top);
        return this.prompter.show(ctx, this.deps.speaker.say(turn.lang, 'voice.invalid'));
      }
      case 'flow':
        return this.answerFlow(ctx, turn, top, digits);
    }
  }

  /** Key 8: broadcasts and alerts come as phone calls from now on, or by SMS again. */
  private async alertsByCall(ctx: StepContext, turn: Turn): Promise<Omit<VoiceAnswer, 'step'>> {
    const on = !ctx.contact.prefersVoice;
    await updateProfile(ctx.store, ctx.contact._id, { prefersVoice: on });
    ctx.contact.prefersVoice = on;
    return this.prompter.show(
      ctx,
      this.deps.speaker.say(turn.lang, on ? 'voice.alerts.on' : 'voice.alerts.off'),
    );
  }

  /** Keys pressed for a flow's question (or one of the voice-only sub-questions around it). */
  private async answerFlow(
    ctx: StepContext,
    turn: Turn,
    top: Extract<VoiceFrame, { at: 'flow' }>,
    digits: string,
  ): Promise<Omit<VoiceAnswer, 'step'>> {
    const invalid = () => this.prompter.show(ctx, this.deps.speaker.say(turn.lang, 'voice.invalid'));
    turn.session = resumedSession(top);
    if (top.sub === 'currency') {
      const currency = this.prompter.currencyChoice(turn, digits);
      if (!currency) return invalid();
      ctx.stack.push({ ...top, sub: 'unit', currency });
      return this.prompter.show(ctx);
    }
    if (top.sub === 'unit') {
      const unit = this.prompter.unitChoice(turn, digits);
      if (!unit) return invalid();
      await this.deps.engine.answerOpen(turn, `${top.currency ?? turn.currency()} ${unit}`);
      return this.after(ctx, turn, top);
    }
    if (top.sub === 'describe') {
      if (digits === '1') {
        ctx.stack.push({ ...top, sub: 'record' });
        return this.prompter.show(ctx);
      }
      if (digits !== '2') return invalid();
      await this.deps.engine.answerOpen(turn, '0');
      return this.after(ctx, turn, top);
    }
    const answer = await this.prompter.typed(ctx, turn, top, digits);
    if (answer === undefined) return invalid();
    await this.deps.engine.answerOpen(turn, answer);
    return this.after(ctx, turn, top);
  }

  /** A `<Record>` ended: the recording goes with the answers (kept only if the report is confidential). */
  private async recorded(
    ctx: StepContext,
    top: Extract<VoiceFrame, { at: 'flow' }>,
    recording: VoiceRequest['recording'],
  ): Promise<Omit<VoiceAnswer, 'step'>> {
    const turn = ctx.turn();
    turn.session = resumedSession(top);
    if (recording && recording.durationSec > 0) turn.session.answers.recording = recording;
    await this.deps.engine.answerOpen(turn, '0');
    return this.after(ctx, turn, top);
  }

  /** What follows an answer the engine took: the next question, the same one again, or the menu. */
  private async after(ctx: StepContext, turn: Turn, top: VoiceFrame): Promise<Omit<VoiceAnswer, 'step'>> {
    // taken once: a question skipped with the same turn comes back here
    if (turn.extra.length) {
      await enqueue(ctx.store, turn.extra.splice(0)); // alerts to on-call staff
      ctx.queued = true;
    }
    if (turn.anonymised) await forgetSender(ctx.store, turn.anonymised, turn.now);
    turn.anonymised = undefined;
    const reported = turn.reported;
    turn.reported = undefined;
    if (reported) ctx.reports++;
    const spoken = this.prompter.replies(turn);
    const recording = top.at === 'flow' ? (top.answers.recording as { sid: string } | undefined) : undefined;
    if (reported && recording) {
      if (reported.anonymous) {
        // the voice would identify the person: the report keeps nothing, the provider's copy goes now
        spoken.push(...this.deps.speaker.say(turn.lang, 'voice.incident.recordingDropped'));
        ctx.recordings.push({ sid: recording.sid, until: turn.now });
      } else {
        const report = await ctx.store
          .collection('reports')
          .findOne({ reference: reported.reference }, { projection: { _id: 1 } });
        const until = new Date(turn.now.getTime() + this.retentionMs);
        ctx.recordings.push({ sid: recording.sid, reportId: report?._id, until });
      }
    }
    const s = turn.session;
    if (s.active && s.flowId && s.stepId) {
      const again = top.at === 'flow' && top.flowId === s.flowId && top.stepId === s.stepId && !top.sub;
      const frame: VoiceFrame = {
        at: 'flow',
        flowId: s.flowId,
        stepId: s.stepId,
        answers: s.answers,
        invalid: s.invalid,
      };
      const before = again ? this.deps.speaker.say(turn.lang, 'voice.invalid') : spoken;
      if (again) ctx.stack[ctx.stack.length - 1] = frame;
      else ctx.stack.push(frame);
      return this.prompter.next(ctx, turn, before, (t, answer) => this.skipWith(ctx, t, answer));
    }
    ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
    return this.prompter.show(ctx, spoken);
  }

  /** A question the keypad cannot answer is skipped (a place typed as text): the flow moves on. */
  private async skipWith(ctx: StepContext, turn: Turn, answer: string): Promise<Omit<VoiceAnswer, 'step'>> {
    const top = ctx.stack.pop()!;
    await this.deps.engine.answerOpen(turn, answer);
    return this.after(ctx, turn, top);
  }

  /**
   * A turn for one keypress of the call. Its message is never logged: its id only keys the
   * effects (a report's source is `sms:voice:<CallSid>:<step>`), so a repeated request
   * cannot store a report twice.
   */
  private turnFor(
    store: Store,
    contact: Contact,
    callSid: string,
    now: Date,
    index: number,
    text: string,
  ): Turn {
    const inbound = {
      _id: `voice:${callSid}:${index}`,
      channel: 'sms',
      transport: 'twilio',
      address: '',
      text,
      extra: { voice: true },
      receivedAt: toHour(now),
    } as InboundMessage;
    return new Turn(this.deps.engine.kit, store, inbound, contact, idleSession(), false, now);
  }
}
