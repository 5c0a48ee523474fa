import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the thread is asked to create: `client.messages.create`'s parameters. */
export type CreateParams = Record<string, string>;

/** What came back: the message's SID and status, or the library's error as plain data. */
export type Created =
  { sid: string; status: string } | { error: { status?: number; code?: number | string; message: string } };

/** How the thread makes its client (the account, the API base, the timeout). */
export interface ThreadSettings {
  accountSid: string;
  authToken: string;
  apiBase: string;
  timeoutMs: number;
}

/**
 * The official twilio client's `messages.create`, run on a thread of its own. The library
 * (its request building, axios, the HTTP client) costs about a quarter of a millisecond a
 * message, an eighth of all the line spends on one; on the event loop that is taken from
 * webhooks and handling, on a second core it is not. The thread holds nothing but the
 * client: claims, statuses and errors' meaning stay with the outbox on the main thread.
 * A thread that dies fails what it had in hand as a connection failure (retried) and is
 * started again on the next send.
 */
export class TwilioThread {
  private worker?: Worker;
  private asked = 0;
  private waiting = new Map<number, (c: Created) => void>();

  constructor(private settings: ThreadSettings) {}

  create(params: CreateParams): Promise<Created> {
    const worker = this.start();
    const id = ++this.asked;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ id, params });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { file: path.join(__dirname, `sendThread${path.extname(__filename)}`), ...this.settings },
    });
    worker.unref();
    worker.on('message', (m: { id: number } & Created) => {
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      done?.(m);
    });
    const fail = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const pending = [...this.waiting.values()];
      this.waiting.clear();
      for (const done of pending) done({ error: { message: `Twilio sender thread ${reason}` } });
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => fail(`exited (${code})`));
    this.worker = worker;
    return worker;
  }

  /** Ends the thread once what it has in hand is answered (a later send starts another). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    while (this.waiting.size) await new Promise((r) => setTimeout(r, 10));
    this.worker = undefined;
    await worker.terminate();
  }
}

/**
 * The thread's first lines: the compiled service runs the .js next to this file; tests and
 * `tsx` run the .ts, compiled on the way by tsx's require hook (a development dependency).
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) require('tsx/cjs');
require(workerData.file);
`;
