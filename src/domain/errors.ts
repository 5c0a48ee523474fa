/**
 * Typed errors. Every error the service raises on purpose carries a `code`, a
 * `retryable` flag (may the same operation succeed later?) and the HTTP status the
 * API answers with. Nothing matches on error messages.
 */
/** What staff must fix, keyed by the provider's reason (`InsufficientBalance`, `401`). */
export interface StaffAlert {
  code: string;
  text: string;
}

export abstract class ChimbaError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly status: number = 500;
  /**
   * Set when staff must act (a provider's balance is empty, a sender id refused): the
   * outbox raises an operations alert with this text (see `outbox/alerts.ts`).
   */
  readonly staffAlert?: StaffAlert;
  constructor(message: string, options?: { cause?: unknown; staffAlert?: StaffAlert }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.staffAlert) this.staffAlert = options.staffAlert;
  }
}

/** Input from outside (a webhook, an API call) is malformed. */
export class BadRequest extends ChimbaError {
  readonly code = 'bad_request';
  readonly retryable = false;
  override readonly status = 400;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The request body is not in a format the route reads (the staff API reads JSON). */
export class UnsupportedMediaType extends ChimbaError {
  readonly code = 'unsupported_media_type';
  readonly retryable = false;
  override readonly status = 415;
}

/** The request body is larger than the route reads. */
export class PayloadTooLarge extends ChimbaError {
  readonly code = 'entity.too.large';
  readonly retryable = false;
  override readonly status = 413;
}

/** The caller did not prove who they are. */
export class Unauthorized extends ChimbaError {
  readonly code = 'unauthorized';
  readonly retryable = false;
  override readonly status = 401;
}

/** This deployment cannot do that (an operation of the other storage engine). */
export class NotImplemented extends ChimbaError {
  readonly code = 'not_implemented';
  readonly retryable = false;
  override readonly status = 501;
}

/** The caller sent too much too fast; `retryAfterSeconds` says when to try again. */
export class TooManyRequests extends ChimbaError {
  readonly code = 'too_many_requests';
  readonly retryable = true;
  override readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The caller is known but may not do this; also a webhook whose signature is wrong. */
export class Forbidden extends ChimbaError {
  readonly code = 'forbidden';
  readonly retryable = false;
  override readonly status = 403;
}

/** The thing asked for does not exist. */
export class NotFound extends ChimbaError {
  readonly code = 'not_found';
  readonly retryable = false;
  override readonly status = 404;
}

/** A unique index refused a write, on either storage engine. */
export class DuplicateKey extends ChimbaError {
  readonly code = 'duplicate_key';
  readonly retryable = false;
  override readonly status = 409;
  constructor(
    readonly collection: string,
    readonly index: string,
  ) {
    super(`duplicate key in ${collection} (index ${index})`);
  }
}

/** A document failed its schema's validation. */
export class InvalidDocument extends ChimbaError {
  readonly code = 'invalid_document';
  readonly retryable = false;
  override readonly status = 400;
}

/** The store cannot be reached or written right now. */
export class StoreUnavailable extends ChimbaError {
  readonly code = 'store_unavailable';
  readonly retryable = true;
  override readonly status = 503;
}

/** Sending failed before the provider answered (network, timeout, 5xx). */
export class ConnectionFailed extends ChimbaError {
  readonly code = 'connection_failed';
  readonly retryable = true;
}

/** The provider asked us to slow down. `retryAfterMs` says for how long, when it said. */
export class Throttled extends ChimbaError {
  readonly code = 'throttled';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { staffAlert?: StaffAlert },
  ) {
    super(message, options);
  }
}

/** The provider says this message cannot go now (the network's quiet hours): try it again later, the others go on. */
export class RetryLater extends ChimbaError {
  readonly code = 'retry_later';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** The person opted out at the provider (Twilio 21610, Telegram bot blocked). */
export class ContactStopped extends ChimbaError {
  readonly code = 'contact_stopped';
  readonly retryable = false;
}

/**
 * WhatsApp: a free-form message outside the 24 hours after the person's last message
 * (Twilio 63016), and no approved template for it. Not retried as it is: it goes by SMS,
 * or waits for the person's next message.
 */
export class WindowClosed extends ChimbaError {
  readonly code = 'whatsapp_window_closed';
  readonly retryable = false;
}

/** The provider refused the message for a reason that retrying will not fix. */
export class FailedWithReason extends ChimbaError {
  readonly code = 'failed';
  readonly retryable = false;
  constructor(
    message: string,
    readonly reason: string,
    options?: { staffAlert?: StaffAlert },
  ) {
    super(message, options);
  }
}

/** A schema's complaints in one line, each named by its field (`From: a phone number; Body: too long`). */
export function describeIssues(err: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return err.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}
