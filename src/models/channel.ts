import { Channel, InboundExtra, OutboundMessage, OutboundState, Transport } from '../models';

/** A message from a person, channel-neutral: what every adapter turns a provider payload into. */
export interface IncomingMessage {
  kind: 'message';
  channel: Channel;
  transport: Transport;
  providerMessageId: string;
  /** E.164 phone number on SMS, chat id on Telegram. */
  address: string;
  text: string;
  receivedAt: Date;
  extra?: InboundExtra;
}

/** A provider telling us what happened to a message we sent. */
export interface StatusUpdate {
  kind: 'status';
  transport: Transport;
  providerId: string;
  status: OutboundState;
  errorCode?: string;
  /** The provider says the person opted out (Twilio 21610). */
  optedOut?: boolean;
  /** Address of the recipient, to find the contact when opting out. */
  to?: string;
}

/** The person blocked the bot or left the chat: no more messages on any channel. */
export interface OptOut {
  kind: 'optout';
  channel: Channel;
  address: string;
}

/** Something a provider told us that needs no processing (an unknown status, a typing event). */
export interface Ignored {
  kind: 'ignored';
  reason: string;
}

/** What an inbound adapter returns. */
export type ChannelEvent = IncomingMessage | StatusUpdate | OptOut | Ignored;

/** What a provider said when it accepted a message. */
export interface SendResult {
  providerId?: string;
  status: OutboundState;
  /** What the provider charged, when it says (Africa's Talking does). */
  cost?: { amount: number; currency: string };
}

/**
 * Sends one outgoing message through a provider. Throws the typed errors of
 * `domain/errors`: `ConnectionFailed` and `Throttled` (retryable), `ContactStopped`,
 * `FailedWithReason`.
 */
export interface Sender {
  readonly transport: Transport;
  /** Sends in flight at once; the outbox's own setting when absent. */
  readonly concurrency?: number;
  /**
   * Its messages are few and can wait a poll (phone calls): its loops look once per poll
   * instead of waking at every message queued for anyone, which would cost a query each.
   */
  readonly polled?: boolean;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Lets go of what it holds (a thread) once the outbox has stopped. */
  close?(): Promise<void>;
}
