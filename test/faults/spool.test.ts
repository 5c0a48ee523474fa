import fs from 'node:fs';
import path from 'node:path';
import { IncomingMessage } from '../../src/models/channel';
import { StoreUnavailable } from '../../src/domain/errors';
import { Spool } from '../../src/flows/spool';
import { createLogger } from '../../src/log';
import { tempDir } from '../helpers/engines';

const msg = (n: number): IncomingMessage => ({
  kind: 'message',
  channel: 'sms',
  transport: 'twilio',
  providerMessageId: `SM${n}`,
  address: `+24399000099${n}`,
  text: `PRIX OR ${n} FC G`,
  receivedAt: new Date(Date.UTC(2026, 10, 27, 5, 0, n)),
});

test('the spool keeps order, waits while the store is away, and sets aside what can never be handled', async () => {
  const tmp = tempDir();
  try {
    const spool = new Spool(tmp.dir, createLogger('silent'));
    for (const n of [1, 2, 3, 4]) spool.write(msg(n));
    fs.writeFileSync(path.join(tmp.dir, '000000000000000-garbage.json'), '{not json');
    expect(spool.pending().length).toBe(5);

    // the store is away: nothing is lost, nothing is reordered
    const seen: string[] = [];
    expect(await spool.replay(async () => Promise.reject(new StoreUnavailable('down')))).toBe(0);
    expect(spool.pending().length).toBe(4); // only the unreadable file was moved aside

    // message 2 is refused by a bug: set aside, and 3 and 4 still go through, in order
    const handled = await spool.replay(async (m) => {
      if (m.providerMessageId === 'SM2') throw new TypeError('a bug');
      seen.push(m.providerMessageId);
      expect(m.receivedAt).toBeInstanceOf(Date);
    });
    expect(handled).toBe(3);
    expect(seen).toEqual(['SM1', 'SM3', 'SM4']);
    expect(spool.pending()).toEqual([]);
    expect(fs.readdirSync(path.join(tmp.dir, 'failed')).length).toBe(2);
  } finally {
    tmp.remove();
  }
});
