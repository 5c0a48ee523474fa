import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import {
  ConnectionFailed,
  ContactStopped,
  FailedWithReason,
  Throttled,
  WindowClosed,
} from '../../domain/errors';
import { OutboundMessage } from '../../models';
import { SendResult, Sender } from '../../models/channel';
import { TwilioThread } from './thread';
import { TWILIO_STATUS, TWILIO_UNSUBSCRIBED, WHATSAPP_THROTTLES, WHATSAPP_WINDOW_CLOSED } from './status';

/** What the Twilio sender needs. */
export interface TwilioOutboundSettings {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  /** Base URL of the REST API; a local fake in tests and staging. */
  apiBase: string;
  /** Where Twilio posts delivery statuses; omitted when there is no public URL. */
  statusCallback?: string;
  timeoutMs?: number;
  /** Create messages on a thread of the sender's own (see `TwilioThread`): the SMS sender does. */
  thread?: boolean;
}

/**
 * The official client's HTTP layer, pointed at `apiBase` instead of Twilio's hosts.
 * Everything else (auth, form encoding, error objects) stays the library's own.
 */
type RequestOptions<T> = RequestClient.RequestOptions<T>;

export class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private base: string,
    timeout: number,
  ) {
    super({ timeout, autoRetry: false });
    // the library keeps connections alive over HTTPS (Twilio itself); a plain-HTTP base (a
    // local fake, a staging proxy) gets the same, instead of a new connection per message
    if (base.startsWith('http:'))
      (this as unknown as { axios: { defaults: { httpAgent: unknown } } }).axios.defaults.httpAgent =
        new http.Agent({
          keepAlive: true,
          maxSockets: 32,
          timeout,
        });
  }
  override request<T>(opts: RequestOptions<T>) {
    const u = new URL(opts.uri);
    return super.request<T>({ ...opts, uri: this.base + u.pathname + u.search });
  }
}

/** Sends SMS through Twilio's REST API with the official `twilio` library. */
export class TwilioSender implements Sender {
  readonly transport = 'twilio' as const;
  private client: twilio.Twilio;
  private thread?: TwilioThread;

  constructor(private settings: TwilioOutboundSettings) {
    const timeoutMs = settings.timeoutMs ?? 15_000;
    const httpClient = new RebasedRequestClient(settings.apiBase, timeoutMs);
    this.client = twilio(settings.accountSid, settings.authToken, { httpClient, autoRetry: false });
    if (settings.thread) this.thread = new TwilioThread({ ...settings, timeoutMs });
  }

  /** Ends the sending thread, if any. */
  async close(): Promise<void> {
    await this.thread?.close();
  }

  send(message: OutboundMessage): Promise<SendResult> {
    return this.create({ to: message.to, body: message.text });
  }

  /**
   * Makes a WhatsApp quick-reply content on Twilio's Content API: the body is the variable
   * `{{1}}`, each button answers with its number. Returns its SID (`HX…`).
   */
  async createQuickReply(language: string, titles: string[]): Promise<string> {
    try {
      // the Content API takes its JSON as documented (snake case, `twilio/quick-reply`)
      const params = {
        friendly_name: `chimba_choices_${language}_${titles.length}`,
        language,
        variables: { 1: '…' },
        types: {
          'twilio/quick-reply': {
            body: '{{1}}',
            actions: titles.map((title, i) => ({ title, id: String(i + 1) })),
          },
        },
      };
      const created = await this.client.content.v1.contents.create(params as never);
      return created.sid;
    } catch (err) {
      throw classifyTwilioError(err);
    }
  }

  /** Creates one message (a text, or a WhatsApp template with its variables) from the configured sender. */
  async create(
    what: { to: string } & ({ body: string } | { contentSid: string; contentVariables: string }),
  ): Promise<SendResult> {
    const params = {
      ...what,
      ...(this.settings.messagingServiceSid
        ? { messagingServiceSid: this.settings.messagingServiceSid }
        : { from: this.settings.from! }),
      ...(this.settings.statusCallback ? { statusCallback: this.settings.statusCallback } : {}),
    };
    let created: { sid: string; status: string };
    if (this.thread) {
      const answer = await this.thread.create(params);
      if ('error' in answer) throw classifyTwilioError(answer.error);
      created = answer;
    } else {
      try {
        created = await this.client.messages.create(params);
      } catch (err) {
        throw classifyTwilioError(err);
      }
    }
    return { providerId: created.sid, status: TWILIO_STATUS[created.status] ?? 'sent' };
  }
}

/** Turns what the twilio library threw into one of our typed errors. */
export function classifyTwilioError(err: unknown): Error {
  const e = err as {
    status?: number;
    code?: number | string;
    message?: string;
    headers?: Record<string, string>;
  };
  const message = e?.message ?? String(err);
  if (typeof e?.status !== 'number') return new ConnectionFailed(`twilio: ${message}`, { cause: err });
  if (String(e.code) === TWILIO_UNSUBSCRIBED) return new ContactStopped(`twilio ${e.code}: ${message}`);
  if (String(e.code) === WHATSAPP_WINDOW_CLOSED) return new WindowClosed(`twilio ${e.code}: ${message}`);
  if (e.status === 429 || WHATSAPP_THROTTLES.includes(String(e.code)))
    return new Throttled(`twilio ${e.code ?? e.status}: ${message}`);
  if (e.status >= 500) return new ConnectionFailed(`twilio ${e.status}: ${message}`, { cause: err });
  const staffAlert =
    e.status === 401
      ? { code: '401', text: 'Twilio refuses TWILIO_ACCOUNT_SID or TWILIO_AUTH_TOKEN' }
      : String(e.code) === TWILIO_BAD_SENDER
        ? { code: TWILIO_BAD_SENDER, text: 'Twilio refuses the sender: check TWILIO_FROM' }
        : undefined;
  return new FailedWithReason(`twilio ${e.status}: ${message}`, String(e.code ?? e.status), {
    staffAlert,
  });
}

/** "The From phone number is not a valid, SMS-capable inbound phone number." */
const TWILIO_BAD_SENDER = '21606';
