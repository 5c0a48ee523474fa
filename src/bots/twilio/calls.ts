import twilio from 'twilio';
import { OutboundMessage } from '../../models';
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
  private client: twilio.Twilio;

  constructor(
    private settings: Omit<TwilioOutboundSettings, 'statusCallback'> & { from: string; publicBaseUrl: string },
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
