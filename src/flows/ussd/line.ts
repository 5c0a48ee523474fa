import { latestPollSentTo } from '../../campaigns/polls';
import { contactLanguage, findOrCreateContact } from '../../contacts/contacts';
import { parsePhone } from '../../domain/phone';
import { toHour } from '../../domain/privacy';
import { Draft, renderUssd } from '../../i18n/render';
import { pickText } from '../../i18n/texts';
import { Contact, InboundMessage, UssdSession } from '../../models';
import { addressedTo, compose, enqueue } from '../../outbox/compose';
import { forgetSender } from '../../reports/store';
import { Store } from '../../store/types';
import { typedPollAnswer } from '../actions/polls';
import { KeyedQueue } from '../keyedQueue';
import { promptOf } from '../prompt';
import { Turn, idleSession, resumedSession } from '../turn';

import {
  Frame,
  StepContext,
  USSD_MENU,
  UssdDeps,
  UssdEnd,
  UssdReply,
  UssdRequest,
  ZERO_IS_AN_ANSWER,
} from './types';

/**
 * The USSD line: the same flows as SMS, shown as screens. Africa's Talking sends, for each
 * step of a session, every input so far joined with `*` (`1*2*250000`); the line applies
 * the inputs it has not seen yet to the session's state (kept in `ussdSessions` by the
 * provider's session id, never by phone) and answers the next screen. `0` goes back one
 * screen (except where 0 is the answer, a count), `00` to the main menu, `98` shows more
 * of a list, `99` skips an optional question.
 *
 * Nothing is half-done: the menus walked are a stack of snapshots, a report is written
 * only by the step that confirms it, and a session dropped before that leaves no trace
 * but its own record. Each request commits in one unit of work; the same request again
 * (the network repeats itself) gets the same screen and changes nothing.
 */

/** The USSD session runner (see the module comment). */
export class UssdLine {
  private queue = new KeyedQueue();
  private readonly clock: () => Date;

  constructor(private readonly deps: UssdDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Answers one request of a session. */
  request(req: UssdRequest): Promise<UssdReply> {
    return this.queue.run(req.sessionId, () => this.deps.store.unit((tx) => this.requestNow(tx, req)));
  }

  /** What to show when a request could not be answered: dial again, in the language of the number's country. */
  failed(phone: string): UssdReply {
    const country = parsePhone(phone)?.country;
    const lang = this.deps.engine.kit.translator.defaultLanguage;
    const turnLang = country ? contactLanguage({ country }, lang) : lang;
    return { screen: this.t(turnLang, 'ussd.expired'), end: true };
  }

  /**
   * Records how a session ended, for the dashboard's delivery and cost view. A session whose
   * requests never reached the line (the network gave up first) is recorded too: its cost counts.
   */
  async recordEnd(end: UssdEnd): Promise<void> {
    const now = this.clock();
    const { sessionId, ...outcome } = end;
    const set = Object.fromEntries(
      Object.entries({ ...outcome, end: true }).filter(([, v]) => v !== undefined),
    );
    await this.deps.store.collection('ussdSessions').updateOne(
      { _id: sessionId },
      {
        $set: set,
        $setOnInsert: {
          inputs: 0,
          lastText: '',
          stack: [],
          screen: '',
          createdAt: now,
          updatedAt: now,
          expiresAt: this.expiry(now),
        },
      },
      { upsert: true },
    );
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.deps.retentionDays * 86_400_000);
  }

  private async requestNow(store: Store, req: UssdRequest): Promise<UssdReply> {
    const now = this.clock();
    const sessions = store.collection('ussdSessions');
    const saved = await sessions.findOne({ _id: req.sessionId });
    if (saved && saved.lastText === req.text) return { screen: saved.screen, end: saved.end };
    const inputs = req.text === '' ? [] : req.text.split('*');
    const done = saved?.inputs ?? 0;
    const { contact } = await findOrCreateContact(
      store,
      {
        channel: 'sms',
        value: req.phone,
        transport: 'africastalking',
        country: parsePhone(req.phone)?.country,
      },
      now,
    );
    const lang = this.turnFor(store, contact, req, now, 0).lang;
    // a session that ended, or inputs that do not continue the ones applied: start again
    const continues = saved && !saved.end && inputs.length > done && req.text.startsWith(`${saved.lastText}`);
    if (saved && !continues) return { screen: this.t(lang, 'ussd.expired'), end: true };

    const ctx: StepContext = {
      store,
      contact,
      req,
      now,
      index: done,
      stack: (saved?.stack as Frame[] | undefined) ?? [{ at: 'menu' }],
      reports: saved?.reports ?? 0,
    };
    let reply: UssdReply = inputs.length === 0 ? await this.show(ctx) : { screen: '', end: false };
    for (let i = done; i < inputs.length && !reply.end; i++) {
      ctx.index = i;
      reply = await this.step(ctx, inputs[i].trim());
    }
    const doc: Omit<UssdSession, '_id'> = {
      inputs: inputs.length,
      lastText: req.text,
      stack: ctx.stack,
      screen: reply.screen,
      end: reply.end,
      reports: ctx.reports || undefined,
      serviceCode: req.serviceCode,
      networkCode: req.networkCode,
      createdAt: saved?.createdAt ?? now,
      updatedAt: now,
      expiresAt: this.expiry(now),
    };
    const set = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
    await sessions.updateOne({ _id: req.sessionId }, { $set: set }, { upsert: true });
    return reply;
  }

  /** Applies one input to the top of the stack; returns the screen it leads to. */
  private async step(ctx: StepContext, input: string): Promise<UssdReply> {
    const top = ctx.stack[ctx.stack.length - 1];
    if (input === '00') {
      ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
      return this.show(ctx);
    }
    // `98` is "more" only where there is more (elsewhere it may be an answer: a price of 98)
    if (input === '98' && (top.pages ?? 1) > (top.page ?? 0) + 1) {
      top.page = (top.page ?? 0) + 1;
      return this.show(ctx);
    }
    if (input === '0' && !this.zeroAnswers(top)) {
      if (ctx.stack.length > 1) ctx.stack.pop();
      ctx.stack[ctx.stack.length - 1].page = 0;
      return this.show(ctx);
    }
    const turn = this.turnFor(ctx.store, ctx.contact, ctx.req, ctx.now, ctx.index, input);
    switch (top.at) {
      case 'menu': {
        const item = USSD_MENU[Number(input) - 1];
        if (!/^\d$/.test(input) || !item) return this.show(ctx, [{ text: turn.t('errors.choice') }]);
        if (!('flow' in item)) return this.openPoll(ctx, turn);
        await this.deps.engine.start(turn, item.flow);
        return this.after(ctx, turn);
      }
      case 'flow': {
        turn.session = resumedSession(top);
        const skip = input === '99' && !!this.deps.engine.askStep(top.flowId, top.stepId)?.skippable;
        await this.deps.engine.answerOpen(turn, skip ? '0' : input);
        return this.after(ctx, turn);
      }
      case 'poll': {
        if (await typedPollAnswer(turn, input)) return { screen: this.screenOf(turn.replies), end: true };
        return this.show(ctx, [{ text: turn.t('errors.choice') }]);
      }
      case 'sms': {
        if (input !== '1') return { screen: turn.t('ussd.bye'), end: true };
        const address = ctx.contact.addresses.find((a) => a.channel === 'sms' && a.value === ctx.req.phone);
        if (address) {
          const env = {
            ...addressedTo(address, ctx.contact._id),
            dedupeKey: `ussd:${ctx.req.sessionId}:sms:${ctx.index}`,
            redactAfterSend: top.redact,
            now: ctx.now,
          };
          await enqueue(
            ctx.store,
            compose({ text: top.text }, env, this.deps.engine.deps.settings.smsFoldGsm),
          );
        }
        return { screen: turn.t('ussd.smsSent'), end: true };
      }
    }
  }

  /** The screen after the engine took an input: the next question, back to the menu, or the end. */
  private async after(ctx: StepContext, turn: Turn): Promise<UssdReply> {
    if (turn.extra.length) await enqueue(ctx.store, turn.extra); // alerts to on-call staff
    if (turn.anonymised) await forgetSender(ctx.store, turn.anonymised, turn.now);
    if (turn.reported) ctx.reports++;
    const s = turn.session;
    const top = ctx.stack[ctx.stack.length - 1];
    if (s.active && s.flowId && s.stepId) {
      const frame: Frame = {
        at: 'flow',
        flowId: s.flowId,
        stepId: s.stepId,
        answers: s.answers,
        invalid: s.invalid,
      };
      const again = top.at === 'flow' && top.flowId === s.flowId && top.stepId === s.stepId;
      if (again) {
        // not accepted: the reason, then the same question
        ctx.stack[ctx.stack.length - 1] = frame;
        return this.show(ctx, turn.replies);
      }
      const screen = renderUssd(turn.replies, { more: turn.t('ussd.more'), footer: this.footer(turn) });
      ctx.stack.push({ ...frame, pages: screen.pages });
      return { screen: screen.text, end: false };
    }
    if (top.at === 'flow' && top.flowId === 'language') {
      // the menu again, in the language just chosen
      ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
      return this.show(ctx);
    }
    if (turn.reported && !turn.reported.anonymous) {
      // the report is kept whatever comes next: back leads to the menu, never to its confirmation
      const text = turn.replies.map((r) => r.text).join('\n');
      const redact = top.at === 'flow' && !!this.deps.engine.deps.flows[top.flowId]?.sensitive;
      ctx.stack.splice(0, ctx.stack.length, { at: 'menu' }, { at: 'sms', text, redact });
      return this.show(ctx);
    }
    return { screen: this.screenOf(turn.replies), end: true };
  }

  /** Menu 6: the latest poll the person was sent, while it is open. */
  private async openPoll(ctx: StepContext, turn: Turn): Promise<UssdReply> {
    const poll = await latestPollSentTo(ctx.store, ctx.contact._id, ctx.now);
    if (!poll || ctx.now < poll.opensAt || ctx.now > poll.closesAt)
      return { screen: turn.t('ussd.noPoll'), end: true };
    ctx.stack.push({ at: 'poll', pollId: poll._id });
    return this.show(ctx);
  }

  /** The screen of the frame on top of the stack, after `before` (a reason an answer was refused). */
  private async show(ctx: StepContext, before: Draft[] = []): Promise<UssdReply> {
    const top = ctx.stack[ctx.stack.length - 1];
    const turn = this.turnFor(ctx.store, ctx.contact, ctx.req, ctx.now, ctx.index);
    const more = turn.t('ussd.more');
    const page = top.page ?? 0;
    let draft: Draft;
    switch (top.at) {
      case 'menu':
        draft = { text: turn.t('ussd.title'), options: USSD_MENU.map((m) => turn.t(`ussd.menu.${m.key}`)) };
        break;
      case 'flow': {
        const flow = await this.deps.engine.loadFlow(top.flowId);
        const step = flow?.steps.find((s) => s.id === top.stepId);
        if (!flow || step?.type !== 'ask') {
          ctx.stack.splice(0, ctx.stack.length, { at: 'menu' });
          return this.show(ctx);
        }
        turn.session = {
          ...idleSession(),
          active: true,
          flowId: flow.id,
          stepId: step.id,
          answers: top.answers,
        };
        draft = promptOf(turn, flow, step);
        break;
      }
      case 'poll': {
        const poll = await ctx.store.collection('polls').findOne({ _id: top.pollId });
        if (!poll) return { screen: turn.t('ussd.noPoll'), end: true };
        const fallback = this.deps.engine.deps.settings.defaultLanguage;
        draft = {
          text: pickText(poll.question, turn.lang, fallback),
          options: poll.options.map((o) => pickText(o, turn.lang, fallback)),
        };
        break;
      }
      case 'sms':
        draft = { text: top.text, options: [turn.t('ussd.smsOffer')] };
        break;
    }
    const footer = top.at === 'menu' ? undefined : this.footer(turn);
    const screen = renderUssd([...before, draft], { page, more, footer });
    top.pages = screen.pages;
    return { screen: screen.text, end: false };
  }

  /** A closing screen: texts only, no list. */
  private screenOf(drafts: Draft[]): string {
    return renderUssd(drafts, { more: '' }).text;
  }

  /** `0 Back 00 Menu`, in the person's language. */
  private footer(turn: Turn): string {
    return `0 ${turn.t('ussd.back')} 00 ${turn.t('ussd.home')}`;
  }

  private zeroAnswers(top: Frame): boolean {
    if (top.at !== 'flow') return false;
    const step = this.deps.engine.askStep(top.flowId, top.stepId);
    return !!step && ZERO_IS_AN_ANSWER.has(step.input);
  }

  /**
   * A turn for one input of the session. Its message is never logged: its id only keys the
   * effects (a report's source is `sms:ussd:<session>:<input>`), so a repeated request cannot
   * store a report twice.
   */
  private turnFor(
    store: Store,
    contact: Contact,
    req: UssdRequest,
    now: Date,
    index: number,
    text = '',
  ): Turn {
    const inbound = {
      _id: `ussd:${req.sessionId}:${index}`,
      channel: 'sms',
      transport: 'africastalking',
      address: req.phone,
      text,
      extra: { ussd: true },
      receivedAt: toHour(now),
    } as InboundMessage;
    return new Turn(this.deps.engine.kit, store, inbound, contact, idleSession(), false, now);
  }

  private t(lang: Turn['lang'], key: string): string {
    return this.deps.engine.kit.translator.t(lang, key, {}, 'ussd');
  }
}
