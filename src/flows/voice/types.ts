import { Store } from '../../store/types';
import type { FlowEngine } from '../engine';
import { Segment, Speaker } from './speech';

/**
 * The main menu's keys, the same in every language so staff and posters can print one map:
 * 1 report a price, 2 report an incident, 3 market price, 4 status of a reference,
 * 5 answer an open poll, 8 alerts as phone calls (or by SMS again), 9 change language;
 * 0 repeats, `*` goes back.
 */
export const VOICE_MENU: Record<string, { flow?: string; poll?: true; alertsByCall?: true }> = {
  '1': { flow: 'price' },
  '2': { flow: 'incident' },
  '3': { flow: 'market' },
  '4': { flow: 'status' },
  '5': { poll: true },
  '8': { alertsByCall: true },
  '9': { flow: 'language' },
};

/** Where the caller is: the main menu, a flow's question (with a voice-only sub-question), or a poll. */
export type VoiceFrame =
  | { at: 'menu' }
  | {
      at: 'flow';
      flowId: string;
      stepId: string;
      answers: Record<string, unknown>;
      invalid: number;
      /** The price's currency then unit, one keypad question each; the offer to describe an incident by voice, then the recording. */
      sub?: 'currency' | 'unit' | 'describe' | 'record';
      currency?: string;
    }
  | { at: 'poll'; pollId: string };

/** One request of a call, as the provider (or the simulator) sends it. */
export interface VoiceRequest {
  callSid: string;
  /** E.164: the caller, or the person called back. */
  phone: string;
  /** The keys pressed for the last question (`#` not included); undefined on the first request. */
  digits?: string;
  /** The step this request answers (from the `action` address); undefined on a call's first request. */
  step?: number;
  /** Nothing was pressed (or said) before the question timed out. */
  silence?: boolean;
  /** A `<Record>` ended: the provider's recording. */
  recording?: { sid: string; durationSec: number };
  /** Who started the call. */
  direction?: 'inbound' | 'callback' | 'alert';
  /** A call the line placed: the outbound message it carries (`?out=`). */
  outboundId?: string;
}

/** How the answer waits for the caller: keys (one, or several ended by `#`), or a recording. */
export type VoiceInput =
  { kind: 'keys'; numDigits?: number; timeoutSec: number } | { kind: 'record'; maxLengthSec: number };

/** The line's answer to one request: what to say, then what to wait for, or the end of the call. */
export interface VoiceAnswer {
  speech: Segment[];
  input?: VoiceInput;
  hangup?: boolean;
  /** Where the question starts in `speech` (after what the last step said): what `0` and silence repeat. */
  repeatFrom?: number;
  /** The step the next request answers (carried in the `action` address). */
  step: number;
}

/** What the voice line needs. */
export interface VoiceDeps {
  store: Store;
  engine: FlowEngine;
  speaker: Speaker;
  retentionDays: number;
  clock?: () => Date;
  /** After a step that stored a report or queued messages committed: count it in the statistics, wake the outbox. */
  afterUnit?: () => void;
}

/** Seconds to wait for a key, and for the keys of a number ended by `#`. */
export const KEY_TIMEOUT_SEC = 6;
export const NUMBER_TIMEOUT_SEC = 12;
/** The longest spoken description. */
export const RECORD_MAX_SEC = 60;
