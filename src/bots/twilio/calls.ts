import twilio from 'twilio';
import { BadRequest } from '../../domain/errors';
import { OutboundMessage } from '../../models';
import { MediaFile, readTwilioFile } from './media';
import { SendResult, Sender } from '../../models/channel';
import { RebasedRequestClient, TwilioOutboundSettings, classifyTwilioError } from './outbound';

/** How long Twilio lets a call ring before it counts as not answered. */
const RING_SECONDS = 30;

/**
 * Places the line's calls (a call back after a missed call, an alert spoken to someone who
 * prefers voice) through Twilio's Calls API with the official library. The call, once
 * answered, asks the voice webhook what to say (`?out=<outbound id>`); how it ended comes
 * back on the call status webhook and is recorded like a delivery status.
 */
export class TwilioCaller implements Sender {
  readonly transport = 'voice' as const;
  /** A few calls a second at most (`VOICE_CPS`): two in flight, looked for once a poll. */
  readonly concurrency = 2;
  readonly polled = true;
  private client: twilio.Twilio;

  constructor(
    private settings: Omit<TwilioOutboundSettings, 'statusCallback'> & {
      from: string;
      publicBaseUrl: string;
    },
  ) {
    const httpClient = new RebasedRequestClient(settings.apiBase, settings.timeoutMs ?? 15_000);
    this.client = twilio(settings.accountSid, settings.authToken, { httpClient, autoRetry: false });
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const base = this.settings.publicBaseUrl;
    try {
      const call = await this.client.calls.create({
        to: message.to,
        from: this.settings.from,
        url: `${base}/webhooks/twilio/voice?out=${message._id}`,
        method: 'POST',
        statusCallback: `${base}/webhooks/twilio/voice/status`,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['completed'],
        timeout: RING_SECONDS,
      });
      return { providerId: call.sid, status: 'sent' };
    } catch (err) {
      throw classifyTwilioError(err);
    }
  }
}

/**
 * Spoken descriptions left on the voice line stay where Twilio keeps them: staff play them
 * through the dashboard (read with the account's credentials, never copied), and the line
 * deletes them when a report may not keep them (anonymous) or its time is up.
 */
export class TwilioRecordings {
  private client: twilio.Twilio;

  constructor(
    private settings: Pick<TwilioOutboundSettings, 'accountSid' | 'authToken' | 'apiBase' | 'timeoutMs'>,
  ) {
    const httpClient = new RebasedRequestClient(settings.apiBase, settings.timeoutMs ?? 15_000);
    this.client = twilio(settings.accountSid, settings.authToken, { httpClient, autoRetry: false });
  }

  /** The recording as MP3, for logged-in staff. */
  async fetch(sid: string): Promise<MediaFile> {
    if (!/^RE[0-9a-f]{32}$/.test(sid)) throw new BadRequest('not a recording sid');
    const s = this.settings;
    const file = await readTwilioFile(s, `/2010-04-01/Accounts/${s.accountSid}/Recordings/${sid}.mp3`, {
      timeoutMs: s.timeoutMs,
      gone: 'the recording is no longer at Twilio',
      contentType: 'audio/mpeg',
    });
    return { ...file, contentType: 'audio/mpeg' };
  }

  /** Deletes a recording at Twilio (one already gone counts as deleted). */
  async delete(sid: string): Promise<void> {
    try {
      await this.client.recordings(sid).remove();
    } catch (err) {
      if ((err as { status?: number }).status === 404) return;
      throw classifyTwilioError(err);
    }
  }
}
