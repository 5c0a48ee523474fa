import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { exited, randomPort, spawnService } from '../test/helpers/process';
import { TEST_TWILIO } from '../test/helpers/service';
import { signTwilio } from '../test/helpers/twilioWebhook';

/**
 * What the benchmarks run against: Chimba (or a bare route) in a process of its own, so
 * the load generator in the bench process never takes the measured process's CPU.
 */

export const ROUTE = '/webhooks/twilio/sms';

/** Resident memory of a process, from /proc (MB). */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Chimba as `npm start` runs it (embedded store in `dataDir`), SMS through Twilio at `twilioUrl`. */
export async function chimba(
  dataDir: string,
  twilioUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = randomPort();
  const child = await spawnService(dataDir, port, {
    ...TEST_TWILIO,
    TWILIO_API_BASE: twilioUrl,
    TWILIO_MPS: '1000',
    // the whole path, replies included: the line's global reply budget would cut it short
    INBOUND_GLOBAL_PER_MINUTE: '100000000',
    INBOUND_PER_SENDER_PER_HOUR: '100000000',
    EMBEDDED_SYNC: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
    LOG_LEVEL: 'info',
    ...env,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** The baseline: a bare express route that parses the same form and answers 200, in its own process. */
export async function bareRoute(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = randomPort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bare.ts'), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`bare route exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** A signed Twilio SMS webhook body: a price report from a new number (`n` picks both). */
export function signedReport(n: number, from = 40_000_000): { body: string; signature: string } {
  const params = {
    MessageSid: `SM${n.toString(16).padStart(32, '0')}`,
    AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    From: `+2332${String(from + n).padStart(8, '0')}`,
    To: TEST_TWILIO.TWILIO_FROM_NUMBER,
    Body: `PRICE GOLD ${3900 + (n % 300)} GHS G`,
  };
  return { body: new URLSearchParams(params).toString(), signature: signTwilio(ROUTE, params) };
}

/** Signed webhooks on `connections` connections for `seconds` (or at `rate` a second in all). */
export async function load(
  url: string,
  o: { seconds: number; connections: number; rate?: number; first?: number; from?: number },
) {
  let i = o.first ?? 0;
  const result = await autocannon({
    url: url + ROUTE,
    connections: o.connections,
    duration: o.seconds,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const b = signedReport(i++, o.from);
          return {
            ...req,
            headers: {
              ...req.headers,
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': b.signature,
            },
            body: b.body,
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
    sent: i - (o.first ?? 0),
  };
}
