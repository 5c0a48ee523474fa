/**
 * `npm run backup [-- --out <file>]`: a consistent backup of the embedded store.
 * While the service runs, it asks the service (the store is locked by it) through
 * `POST /api/v1/backups` with `ADMIN_TOKEN`; when it is stopped, it opens the store itself.
 * The backup lands in `DATA_DIR/backups/`, and is copied to `--out` when given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { backupName } from '../store/backup';
import { EmbeddedStore } from '../store/embedded';
import { runCli } from './run';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function running(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.mongodbUri) {
    console.error(
      'This deployment stores in MongoDB: back it up with mongodump (see docs/operating.md, "Backups").',
    );
    return 2;
  }
  const url = arg('url') ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  let file: string;
  if (await running(url)) {
    if (!config.adminToken) {
      console.error('The service is running and holds the store: set ADMIN_TOKEN so the backup can ask it.');
      return 2;
    }
    const res = await fetch(`${url}/api/v1/backups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.adminToken}` },
    });
    const body = (await res.json()) as { file?: string; error?: { message: string } };
    if (res.status !== 201 || !body.file) {
      console.error(
        `The service refused the backup (${res.status}): ${body.error?.message ?? 'no reason given'}`,
      );
      return 1;
    }
    file = body.file;
  } else {
    const store = new EmbeddedStore({ dir: config.dataDir });
    try {
      file = (await store.backup(path.join(config.dataDir, 'backups', backupName()))).file;
    } finally {
      await store.close();
    }
  }
  const out = arg('out');
  if (out) {
    fs.copyFileSync(file, out);
    file = out;
  }
  console.log(`Backup written: ${file} (${fs.statSync(file).size} bytes)`);
  return 0;
}

runCli('backup', main);
