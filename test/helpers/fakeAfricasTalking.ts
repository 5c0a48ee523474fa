import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One message-send request the fake received. */
export interface FakeAtRequest {
  apiKey?: string;
  accept?: string;
  params: Record<string, string>;
}

/**
 * A local stand-in for Africa's Talking's messaging API (`POST /version1/messaging`), on
 * 127.0.0.1: it checks the `apiKey` header and the form, and answers 201 with one
 * recipient, status code 101 unless told otherwise (per number, or the next answers).
 */
export class FakeAfricasTalking {
  readonly requests: FakeAtRequest[] = [];
  /** A recipient status code to answer for a number, every time. */
  readonly codeFor = new Map<string, number>();
  private next: { status: number; body?: unknown; code?: number }[] = [];
  private server = http.createServer((req, res) => this.onRequest(req, res));
  private n = 0;
  url = '';

  constructor(private apiKey = 'at-api-key-for-tests') {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers, in order: an HTTP status with a body, or a 201 with this recipient code. */
  answerNext(...answers: { status: number; body?: unknown; code?: number }[]): void {
    this.next.push(...answers);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (req.method !== 'POST' || req.url !== '/version1/messaging')
        return reply(404, { error: 'not found' });
      const params = Object.fromEntries(new URLSearchParams(body));
      const apiKey = req.headers['apikey'] as string | undefined;
      this.requests.push({ apiKey, accept: req.headers.accept, params });
      if (apiKey !== this.apiKey) return reply(401, 'The supplied authentication is invalid');
      const scripted = this.next.shift();
      if (scripted && scripted.code === undefined) return reply(scripted.status, scripted.body ?? {});
      const code = scripted?.code ?? this.codeFor.get(params.to) ?? 101;
      const accepted = code < 200;
      reply(201, {
        SMSMessageData: {
          Message: accepted ? 'Sent to 1/1 Total Cost: KES 0.8000' : 'Sent to 0/1 Total Cost: 0',
          Recipients: [
            {
              statusCode: code,
              number: params.to,
              status: accepted ? 'Success' : 'Failed',
              cost: accepted ? 'KES 0.8000' : '0',
              messageId: accepted ? `ATXid_${(++this.n).toString(16).padStart(16, '0')}` : 'None',
            },
          ],
        },
      });
    });
  }
}
