import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { Service, ServiceOptions, createService } from '../../src/main';
import { tempDir } from './engines';

/** A running service on a random local port with its own data folder, and everything it logged. */
export interface TestService {
  url: string;
  service: Service;
  logs: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  say(from: string, text: string, channel?: 'sms' | 'telegram' | 'whatsapp'): Promise<string[]>;
  stop(): Promise<void>;
}

/** Test account values; not secrets. */
export const TEST_TWILIO = {
  TWILIO_ACCOUNT_SID: 'AC11111111111111111111111111111111',
  TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789',
  TWILIO_FROM_NUMBER: '+15005550006',
  PUBLIC_BASE_URL: 'https://chimba.test',
};
export const TEST_ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** Starts Chimba for a test with the given settings (merged over quiet defaults). */
export async function startService(
  env: Record<string, string> = {},
  options: ServiceOptions = {},
): Promise<TestService> {
  const tmp = tempDir('chimba-svc-');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tmp.dir,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PSEUDONYM_SECRET: 'pseudonym-secret-for-tests',
    LOG_LEVEL: 'debug',
    EMBEDDED_SYNC: 'normal',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const service = await createService(config, {
    log: createLogger(config.logLevel, sink),
    outbox: { pollMs: 20, baseBackoffMs: 50, maxBackoffMs: 200 },
    ...options,
  });
  const { url } = await service.start();
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    url,
    service,
    logs,
    post,
    async say(from, text, channel = 'sms') {
      const res = await post('/simulator/messages', { from, text, channel });
      if (res.status !== 200) throw new Error(`simulator answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { replies: string[] }).replies;
    },
    async stop() {
      await service.stop();
      tmp.remove();
    },
  };
}

/** Calls the staff API of a running service as JSON (the admin token unless another is given). */
export async function api(
  svc: TestService,
  method: string,
  path: string,
  body?: unknown,
  token = TEST_ADMIN_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(svc.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // 204 No Content has no body
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
