import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../src/store';
import { inspectBackup, restoreBackup } from '../../src/store/backup';
import { tempDir } from '../helpers/engines';
import { TEST_ADMIN_TOKEN, api, startService } from '../helpers/service';

describe('backups of the embedded store', () => {
  test('taken online while the service writes, restored into a new folder: exactly what was there at that moment', async () => {
    const svc = await startService();
    const target = tempDir();
    try {
      for (let i = 0; i < 5; i++) await svc.say(`+24399000060${i}`, `PRIX OR ${250000 + i} FC G`);
      const before = await svc.service.store.collection('reports').find({}, { sort: { amount: 1 } });
      // writes keep coming while the backup runs
      const writing = Promise.all(
        [5, 6, 7].map((i) => svc.say(`+24399000060${i}`, `PRIX OR ${250000 + i} FC G`)),
      );
      const res = await api(svc, 'POST', '/api/v1/backups');
      await writing;
      expect(res.status).toBe(201);
      const file = res.body.file as string;
      expect(path.dirname(file)).toBe(path.join(svc.service.config.dataDir, 'backups'));
      expect(path.basename(file)).toMatch(/^chimba-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.sqlite$/);
      const viewer = (await api(svc, 'POST', '/api/v1/credentials', { name: 'v', role: 'viewer' })).body
        .token as string;
      expect((await api(svc, 'POST', '/api/v1/backups', undefined, viewer)).status).toBe(403);
      const copy = path.join(target.dir, 'copy.sqlite');
      fs.copyFileSync(file, copy);
      await svc.stop();

      const restored = await restoreBackup(copy, path.join(target.dir, 'data'));
      expect(restored.collections.reports).toBeGreaterThanOrEqual(5);
      const store = new EmbeddedStore({ dir: path.join(target.dir, 'data') });
      try {
        const reports = await store.collection('reports').find({}, { sort: { amount: 1 } });
        expect(reports.slice(0, 5)).toEqual(before);
        expect(reports.length).toBe(restored.collections.reports);
        // the restored store is a working store: indexes hold
        await expect(store.collection('reports').insertOne({ ...before[0], _id: undefined })).rejects.toThrow(
          /duplicate key/,
        );
      } finally {
        await store.close();
      }
    } finally {
      target.remove();
    }
  });

  test('restore refuses a running store, a file that is not a backup, and keeps the store it replaces', async () => {
    const tmp = tempDir();
    try {
      const dataDir = path.join(tmp.dir, 'data');
      const store = new EmbeddedStore({ dir: dataDir });
      await store
        .collection('reports')
        .insertOne({ kind: 'issue', reference: 'R-22222', channel: 'sms', category: 'mercury' });
      const backup = (await store.backup(path.join(tmp.dir, 'b.sqlite'))).file;
      await expect(restoreBackup(backup, dataDir)).rejects.toThrow(/in use by another Chimba process/);
      await store.close();

      fs.writeFileSync(path.join(tmp.dir, 'junk.sqlite'), 'not a database at all, just text '.repeat(100));
      expect(() => inspectBackup(path.join(tmp.dir, 'junk.sqlite'))).toThrow(/not a SQLite file/);
      const empty = new Database(path.join(tmp.dir, 'empty.sqlite'));
      empty.exec('CREATE TABLE t (x)');
      empty.close();
      expect(() => inspectBackup(path.join(tmp.dir, 'empty.sqlite'))).toThrow(/not a Chimba backup/);
      expect(() => inspectBackup(path.join(tmp.dir, 'missing.sqlite'))).toThrow(/no backup at/);

      const { previous } = await restoreBackup(backup, dataDir);
      expect(previous && fs.existsSync(previous)).toBe(true);
    } finally {
      tmp.remove();
    }
  });

  test('npm run backup and npm run restore (the CLIs) round-trip a stopped store', async () => {
    const tmp = tempDir();
    try {
      const from = path.join(tmp.dir, 'from');
      const store = new EmbeddedStore({ dir: from });
      const contact = (n: number) => ({
        addresses: [
          {
            key: `sms:+24399000069${n}`,
            channel: 'sms' as const,
            value: `+24399000069${n}`,
            transport: 'twilio' as const,
          },
        ],
      });
      await store.collection('contacts').insertMany([1, 2, 3].map(contact));
      await store.close();
      const run = (script: string, args: string[], dataDir: string) =>
        spawnSync(
          process.execPath,
          ['--import', 'tsx', path.join(__dirname, `../../src/cli/${script}.ts`), ...args],
          {
            env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '1', ADMIN_TOKEN: TEST_ADMIN_TOKEN },
            encoding: 'utf8',
          },
        );
      const out = path.join(tmp.dir, 'out.sqlite');
      const b = run('backup', ['--out', out], from);
      expect(b.stderr).toBe('');
      expect(b.stdout).toMatch(/^Backup written: .*out\.sqlite \(\d+ bytes\)/);
      const r = run('restore', [out], path.join(tmp.dir, 'to'));
      expect(r.stdout).toContain('contacts: 3');
      expect(r.status).toBe(0);
      const bad = run('restore', [path.join(tmp.dir, 'nope.sqlite')], path.join(tmp.dir, 'to'));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/restore failed: no backup at/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
