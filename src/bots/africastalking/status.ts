import { OutboundState } from '../../models';

/**
 * What one recipient's `statusCode` in the answer to `POST /version1/messaging` means for
 * the outbox: accepted, retry (and how), or give up (and why).
 */
export type RecipientOutcome =
  | { kind: 'accepted'; status: OutboundState }
  | { kind: 'retry'; pauseMs?: number; alert?: string }
  | { kind: 'dead'; alert?: string }
  | { kind: 'optedOut' };

/** Every per-recipient code Africa's Talking documents. */
export const AT_RECIPIENT_CODES: Record<number, { name: string; outcome: RecipientOutcome }> = {
  100: { name: 'Processed', outcome: { kind: 'accepted', status: 'sent' } },
  101: { name: 'Sent', outcome: { kind: 'accepted', status: 'sent' } },
  102: { name: 'Queued', outcome: { kind: 'accepted', status: 'sent' } },
  401: { name: 'RiskHold', outcome: { kind: 'retry' } },
  402: {
    name: 'InvalidSenderId',
    outcome: { kind: 'dead', alert: 'AT_SENDER_ID is refused by Africa’s Talking' },
  },
  403: { name: 'InvalidPhoneNumber', outcome: { kind: 'dead' } },
  404: { name: 'UnsupportedNumberType', outcome: { kind: 'dead' } },
  // no credit: the transport waits instead of burning every message's retries
  405: {
    name: 'InsufficientBalance',
    outcome: {
      kind: 'retry',
      pauseMs: 10 * 60_000,
      alert: 'the Africa’s Talking balance is empty: top it up',
    },
  },
  406: { name: 'UserInBlacklist', outcome: { kind: 'optedOut' } },
  407: {
    name: 'CouldNotRoute',
    outcome: { kind: 'dead', alert: 'Africa’s Talking could not route a message' },
  },
  // the network's quiet hours: try again in an hour
  409: { name: 'DoNotDisturbRejection', outcome: { kind: 'retry', pauseMs: 60 * 60_000 } },
  500: { name: 'InternalServerError', outcome: { kind: 'retry' } },
  501: { name: 'GatewayError', outcome: { kind: 'retry' } },
  502: { name: 'RejectedByGateway', outcome: { kind: 'dead' } },
};

/** Delivery report statuses, forward-only as Twilio's; `null`: nothing to record. */
export const AT_DELIVERY_STATUS: Record<string, OutboundState | null> = {
  Sent: 'sent',
  Submitted: 'sent',
  Buffered: 'sent',
  Rejected: 'failed',
  Success: 'delivered',
  Failed: 'undelivered',
  AbsentSubscriber: 'undelivered',
  Expired: 'undelivered',
};
