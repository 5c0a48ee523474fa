import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One Bot API call the fake received. */
export interface BotCall {
  method: string;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for the Telegram Bot API (`POST /bot<token>/<method>`) on 127.0.0.1:
 * records every call, answers like Telegram, can fail on demand, and serves queued
 * updates to `getUpdates` for polling tests.
 */
export class FakeTelegram {
  readonly calls: BotCall[] = [];
  /** When each accepted sendMessage arrived (ms), and how many got 429 for going too fast. */
  readonly sentAt: number[] = [];
  throttled = 0;
  /** Telegram's bulk limit: more than this many sendMessage in any second gets 429. */
  limitPerSecond = Infinity;
  private failures: { method: string; status: number; body: unknown }[] = [];
  private updates: Record<string, unknown>[] = [];
  private server = http.createServer((req, res) => this.onRequest(req, res));
  private messageId = 1000;
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next call to `method` answers with this error instead. */
  failNext(method: string, status: number, body: unknown): void {
    this.failures.push({ method, status, body });
  }

  /** Updates for the next `getUpdates`. */
  queueUpdate(u: Record<string, unknown>): void {
    this.updates.push(u);
  }

  /** Calls of one method, in order. */
  of(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.body);
  }

  async waitFor(method: string, count: number, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(method).length < count) {
      if (Date.now() > deadline)
        throw new Error(`fake Telegram got ${this.of(method).length} of ${count} ${method}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.of(method);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const m = /^\/bot(\d+:[\w-]+)\/(\w+)$/.exec(req.url ?? '');
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (!m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      const method = m[2];
      let body: Record<string, unknown> = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        body = Object.fromEntries(new URLSearchParams(raw));
      }
      if (method === 'getUpdates') {
        const offset = Number(body.offset ?? 0);
        this.calls.push({ method, body });
        for (let i = 0; i < 20 && !this.updates.some((u) => Number(u.update_id) >= offset); i++) {
          await new Promise((r) => setTimeout(r, 25));
        }
        return send(200, { ok: true, result: this.updates.filter((u) => Number(u.update_id) >= offset) });
      }
      this.calls.push({ method, body });
      const failure = this.failures.findIndex((f) => f.method === method);
      if (failure >= 0) {
        const [f] = this.failures.splice(failure, 1);
        return send(f.status, f.body);
      }
      switch (method) {
        case 'sendMessage': {
          const now = performance.now();
          let lastSecond = 0;
          for (let i = this.sentAt.length - 1; i >= 0 && this.sentAt[i] > now - 1000; i--) lastSecond++;
          if (lastSecond >= this.limitPerSecond) {
            this.throttled++;
            this.calls.pop();
            return send(429, {
              ok: false,
              error_code: 429,
              description: 'Too Many Requests: retry after 1',
              parameters: { retry_after: 1 },
            });
          }
          this.sentAt.push(now);
          return send(200, {
            ok: true,
            result: {
              message_id: ++this.messageId,
              chat: { id: Number(body.chat_id), type: 'private' },
              date: Math.floor(Date.now() / 1000),
              text: body.text,
            },
          });
        }
        default:
          return send(200, { ok: true, result: true });
      }
    });
  }
}
