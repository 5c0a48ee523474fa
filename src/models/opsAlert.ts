import { TRANSPORTS, Transport, makeSchema } from './common';

/**
 * Something staff must fix for messages to go out (a provider's balance is empty, a
 * sender id or a key refused): one document per transport and cause, counted while it
 * lasts, closed by the next message that transport sends. Holds no recipient.
 */
export interface OpsAlert {
  /** `transport:code`, e.g. `africastalking:InsufficientBalance`. */
  _id: string;
  transport: Transport;
  code: string;
  /** What to do, in words (the error's `staffAlert`). */
  text: string;
  firstAt: Date;
  lastAt: Date;
  /** Failed sends since it opened. */
  count: number;
  /** When on-call staff were last told by SMS (at most every `OPS_ALERT_REPEAT_MS`). */
  notifiedAt?: Date;
  /** Set when a send on the transport succeeded again. */
  resolvedAt?: Date;
}

/** Schema of `opsAlerts`. */
export const opsAlertSchema = makeSchema({
  _id: { type: String, required: true },
  transport: { type: String, required: true, enum: TRANSPORTS },
  code: { type: String, required: true },
  text: { type: String, required: true },
  firstAt: { type: Date, required: true },
  lastAt: { type: Date, required: true, index: true },
  count: { type: Number, required: true },
  notifiedAt: Date,
  resolvedAt: Date,
});
