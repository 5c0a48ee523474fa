import { Store } from '../../store/types';
import { Contact, UssdSession } from '../../models';
import type { FlowEngine } from '../engine';

/** The main menu, in the order its numbers are printed (the same in every language). */
export const USSD_MENU = [
  { key: 'price', flow: 'price' },
  { key: 'issue', flow: 'issue' },
  { key: 'incident', flow: 'incident' },
  { key: 'market', flow: 'market' },
  { key: 'status', flow: 'status' },
  { key: 'poll' },
  { key: 'profile', flow: 'registration' },
  { key: 'language', flow: 'language' },
] as const;

/**
 * One screen of the session: the main menu, a flow's question, a poll, or the offer of an
 * SMS; with the page of its list on screen and how many pages it has.
 */
export type Frame = (
  | { at: 'menu' }
  | { at: 'flow'; flowId: string; stepId: string; answers: Record<string, unknown>; invalid: number }
  | { at: 'poll'; pollId: string }
  | { at: 'sms'; text: string; redact: boolean }
) & { page?: number; pages?: number };

/** One request of a session, as the provider sends it. */
export interface UssdRequest {
  sessionId: string;
  /** E.164. */
  phone: string;
  /** Every input of the session so far, joined with `*`; empty on the first request. */
  text: string;
  serviceCode?: string;
  networkCode?: string;
}

/** How a session ended and what it cost (the provider's notification), nothing of the person. */
export type UssdEnd = { sessionId: string } & Partial<
  Pick<UssdSession, 'status' | 'durationMs' | 'hops' | 'costAmount' | 'costCurrency' | 'errorMessage'>
>;

/** What to show: `end` closes the session (`END`), otherwise it waits for input (`CON`). */
export interface UssdReply {
  screen: string;
  end: boolean;
}

/** What the line needs: the engine (its flows and interpreter), and how long a session's record is kept. */
export interface UssdDeps {
  store: Store;
  engine: FlowEngine;
  retentionDays: number;
  clock?: () => Date;
}

export const ZERO_IS_AN_ANSWER = new Set(['count', 'number']);

/** One step's work: the turn's kit, the contact, the state, and where the screen comes from. */
export interface StepContext {
  store: Store;
  contact: Contact;
  req: UssdRequest;
  now: Date;
  index: number;
  stack: Frame[];
  reports: number;
}
