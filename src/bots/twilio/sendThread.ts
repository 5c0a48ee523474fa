import { parentPort, workerData } from 'node:worker_threads';
import twilio from 'twilio';
import { RebasedRequestClient } from './outbound';
import type { CreateParams, ThreadSettings } from './thread';

/** The thread of {@link TwilioThread}: one client, messages created as they are asked for. */
const s = workerData as ThreadSettings & { file: string };
const client = twilio(s.accountSid, s.authToken, {
  httpClient: new RebasedRequestClient(s.apiBase, s.timeoutMs),
  autoRetry: false,
});

parentPort!.on('message', async ({ id, params }: { id: number; params: CreateParams }) => {
  try {
    const m = await client.messages.create(params as never);
    parentPort!.postMessage({ id, sid: m.sid, status: m.status });
  } catch (err) {
    const e = err as { status?: number; code?: number | string; message?: string };
    parentPort!.postMessage({
      id,
      error: {
        status: typeof e?.status === 'number' ? e.status : undefined,
        code: typeof e?.code === 'number' || typeof e?.code === 'string' ? e.code : undefined,
        message: e?.message ?? String(err),
      },
    });
  }
});
