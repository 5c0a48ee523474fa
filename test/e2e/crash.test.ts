import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { tempDir } from '../helpers/engines';
import { TEST_ADMIN_TOKEN } from '../helpers/service';

const MAIN = path.join(__dirname, '../../src/main.ts');

/** Starts the real service in a child process and waits until it listens. */
async function spawnService(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Chimba is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`service exited ${code}: ${out}`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );

describe('the service as a process', () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;

  test('a report acknowledged to the sender survives a SIGKILL of the service', async () => {
    const tmp = tempDir();
    try {
      let child = await spawnService(tmp.dir, port);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const res = await fetch(`${base}/simulator/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+243990000001', text: 'PRIX OR 255000 FC G' }),
      });
      const { replies } = (await res.json()) as { replies: string[] };
      const ref = /Réf (P-[0-9A-Z]{5})/.exec(replies[0])?.[1];
      expect(ref).toBeDefined();

      const dead = exited(child);
      child.kill('SIGKILL');
      expect((await dead).signal).toBe('SIGKILL');

      child = await spawnService(tmp.dir, port);
      const list = await fetch(`${base}/api/v1/reports?kind=price`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const { items } = (await list.json()) as { items: { reference: string; amount: number }[] };
      expect(items).toEqual([expect.objectContaining({ reference: ref, amount: 255000 })]);

      // SIGTERM: a graceful stop, exit code 0, and the store closed cleanly
      const stopped = exited(child);
      child.kill('SIGTERM');
      expect(await stopped).toEqual({ code: 0, signal: null });
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
