import { tempDir } from '../helpers/engines';
import { exited, randomPort, spawnService } from '../helpers/process';
import { TEST_ADMIN_TOKEN } from '../helpers/service';

describe('the service as a process', () => {
  const port = randomPort();
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
