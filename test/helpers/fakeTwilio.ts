import http from 'node:http';
import { AddressInfo } from 'node:net';
import { SegmentedMessage } from 'sms-segments-calculator';

/** One request the fake Twilio API received. */
export interface FakeTwilioRequest {
  path: string;
  auth?: string;
  params: Record<string, string>;
}

/** A canned answer for the next request(s). */
export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A local stand-in for Twilio's REST API (`POST /2010-04-01/Accounts/:sid/Messages.json`),
 * on 127.0.0.1, so tests exercise the official client without reaching the network.
 */
export class FakeTwilio {
  readonly requests: FakeTwilioRequest[] = [];
  /** When each accepted segment arrived (ms; a two-segment message twice), and how many were refused with 429 for going too fast. */
  readonly acceptedAt: number[] = [];
  throttled = 0;
  /** Like Twilio's limits, counted in segments: sending faster than this many a second gets 429. */
  limitPerSecond = Infinity;
  /**
   * A provider having a bad day: this share of requests (0–1) answers 500, 429 or never
   * answers (the client times out), a third each, chosen by a seeded generator. The
   * message is not accepted in any of those cases.
   */
  failureRate = 0;
  /** What the failures were: counts by kind. */
  readonly failures = { 500: 0, 429: 0, timeout: 0 };
  private seed = 12345;
  private nextFree = 0;
  private queue: FakeAnswer[] = [];
  private server = http.createServer((req, res) => this.onRequest(req, res));
  private n = 0;
  url = '';

  /** Quick-reply contents made on the Content API (`POST /v1/Content`), with their SIDs. */
  readonly contents: { sid: string; body: Record<string, unknown> }[] = [];
  /** Answer the next Content API request with this status instead (e.g. 500). */
  contentFailure?: number;
  /** Media the fake serves at `GET /2010-04-01/Accounts/:sid/Messages/:mm/Media/:me` (path → bytes and type). */
  readonly media = new Map<string, { bytes: Buffer; contentType: string }>();
  /** Authorization headers of media downloads. */
  readonly mediaAuth: (string | undefined)[] = [];

  /** Calls placed through the Calls API (`POST …/Calls.json`), with the sid each got. */
  readonly calls: { sid: string; params: Record<string, string>; at: number }[] = [];
  /** Recordings the fake keeps (`…/Recordings/RE….wav`), and the ones deleted (`DELETE …/Recordings/RE….json`). */
  readonly recordings = new Map<string, Buffer>();
  readonly deletedRecordings: string[] = [];
  /** Authorization headers of recording downloads. */
  readonly recordingAuth: (string | undefined)[] = [];

  /** Every message-create request, accepted or not, with when it came: for back-off checks. */
  readonly attempts: { to: string; at: number }[] = [];

  private random(): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return this.seed / 2 ** 31;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers, in order, instead of a 201. */
  answerNext(...answers: FakeAnswer[]): void {
    this.queue.push(...answers);
  }

  /** Resolves once `count` message-create requests have arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<FakeTwilioRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline)
        throw new Error(`fake Twilio got ${this.requests.length} of ${count} requests`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.requests;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/Content') return this.onContent(raw, res);
      if (this.onVoice(req, raw, res)) return;
      const served = req.method === 'GET' ? this.media.get(req.url ?? '') : undefined;
      if (served) {
        this.mediaAuth.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': served.contentType }).end(served.bytes);
        return;
      }
      const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 20404, status: 404 }));
        return;
      }
      const params = Object.fromEntries(new URLSearchParams(raw));
      this.attempts.push({ to: params.To, at: Date.now() });
      if (this.failureRate > 0 && this.random() < this.failureRate) {
        const kind = (['500', '429', 'timeout'] as const)[Math.floor(this.random() * 3)];
        if (kind === 'timeout') {
          this.failures.timeout++;
          return; // never answered; the connection is closed at stop()
        }
        this.failures[kind]++;
        res.writeHead(Number(kind), { 'content-type': 'application/json' }).end(
          JSON.stringify({
            code: kind === '429' ? 20429 : 20500,
            message: 'injected failure',
            status: Number(kind),
          }),
        );
        return;
      }
      const now = performance.now();
      const segments = new SegmentedMessage(params.Body ?? '').segmentsCount;
      // A leaky bucket in segments, like the provider's queue: a message may start once the
      // previous ones have drained at `limitPerSecond`, with one segment's time (at least
      // 50 ms) of grace for network jitter.
      const grace = Math.max(1000 / this.limitPerSecond, 50);
      if (Number.isFinite(this.limitPerSecond) && now < this.nextFree - grace) {
        this.throttled++;
        res
          .writeHead(429, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }));
        return;
      }
      for (let i = 0; i < segments; i++) this.acceptedAt.push(now);
      this.nextFree = Math.max(now, this.nextFree) + (segments * 1000) / this.limitPerSecond;
      this.requests.push({ path: req.url!, auth: req.headers.authorization, params });
      const canned = this.queue.shift();
      if (canned) {
        res
          .writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers })
          .end(JSON.stringify(canned.body));
        return;
      }
      const sid = `SM${(++this.n).toString(16).padStart(32, '0')}`;
      res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          account_sid: m[1],
          sid,
          status: 'queued',
          to: params.To,
          from: params.From ?? null,
          messaging_service_sid: params.MessagingServiceSid ?? null,
          body: params.Body,
          num_segments: '1',
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
        }),
      );
    });
  }

  /** The Calls and Recordings APIs; false when the request is for neither. */
  private onVoice(req: http.IncomingMessage, raw: string, res: http.ServerResponse): boolean {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const call = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\.json$/.exec(req.url ?? '');
    if (req.method === 'POST' && call) {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const canned = this.queue.shift();
      if (canned) {
        json(canned.status, canned.body);
        return true;
      }
      const sid = `CA${(this.calls.length + 1).toString(16).padStart(32, '0')}`;
      this.calls.push({ sid, params, at: Date.now() });
      json(201, {
        sid,
        account_sid: call[1],
        to: params.To,
        from: params.From,
        status: 'queued',
        direction: 'outbound-api',
      });
      return true;
    }
    const rec =
      /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Recordings\/(RE[0-9a-f]{32})(\.json|\.wav|\.mp3)?$/.exec(
        req.url ?? '',
      );
    if (!rec) return false;
    const audio = this.recordings.get(rec[1]);
    if (req.method === 'DELETE') {
      this.deletedRecordings.push(rec[1]);
      if (!this.recordings.delete(rec[1])) json(404, { code: 20404, message: 'not found', status: 404 });
      else res.writeHead(204).end();
      return true;
    }
    this.recordingAuth.push(req.headers.authorization);
    if (!audio) json(404, { code: 20404, message: 'not found', status: 404 });
    else res.writeHead(200, { 'content-type': rec[2] === '.mp3' ? 'audio/mpeg' : 'audio/x-wav' }).end(audio);
    return true;
  }

  private onContent(raw: string, res: http.ServerResponse): void {
    if (this.contentFailure) {
      const status = this.contentFailure;
      this.contentFailure = undefined;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 20500, message: 'injected failure', status }));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const sid = `HX${(this.contents.length + 1).toString(16).padStart(32, '0')}`;
    this.contents.push({ sid, body });
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ...body, sid }));
  }
}
