import { OutboundMessage } from '../../models';
import { SendResult, Sender } from '../../models/channel';

/**
 * The simulator's "provider": delivers at once. Replies to simulated contacts go
 * through the same outbox as real ones and end here instead of at Twilio or Telegram.
 */
export class SimulatorSender implements Sender {
  readonly transport = 'simulator' as const;
  async send(message: OutboundMessage): Promise<SendResult> {
    return { providerId: `sim-${message._id}`, status: 'delivered' };
  }
}
