import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMAS } from '../models';
import { EmbeddedStore } from './embedded';

/** The store's file in a data folder. */
export const STORE_FILE = 'chimba.sqlite';

/** A backup file name for now: `chimba-2026-11-27T05-10-00Z.sqlite`. */
export function backupName(now = new Date()): string {
  return `chimba-${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z.sqlite`;
}

/** What a backup file holds, checked before anything is replaced. */
export function inspectBackup(file: string): { collections: Record<string, number> } {
  if (!fs.existsSync(file)) throw new Error(`no backup at ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`${file} is not a SQLite file: ${(err as Error).message}`);
  }
  try {
    const ok = db.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`${file} is damaged: ${String(ok)}`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (!tables.has('c_contacts') || !tables.has('c_reports'))
      throw new Error(`${file} is not a Chimba backup (no contacts or reports table)`);
    const collections: Record<string, number> = {};
    for (const name of Object.keys(SCHEMAS)) {
      if (!tables.has(`c_${name}`)) continue;
      collections[name] = (db.prepare(`SELECT count(*) AS n FROM "c_${name}"`).get() as { n: number }).n;
    }
    return { collections };
  } catch (err) {
    // better-sqlite3's errors may come from another realm (jest): test the message, not the class
    if (/SQLITE_NOTADB|file is not a database/i.test(String((err as { message?: string })?.message)))
      throw new Error(`${file} is not a SQLite file`);
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the store of a data folder. The service must be stopped (the
 * store is opened first, which fails while another process holds it); the current store
 * is kept beside it as `chimba.sqlite.before-restore-<time>`.
 */
export async function restoreBackup(
  backupFile: string,
  dataDir: string,
  now = new Date(),
): Promise<{ collections: Record<string, number>; previous?: string }> {
  const { collections } = inspectBackup(backupFile);
  fs.mkdirSync(dataDir, { recursive: true });
  // Holding the lock proves no service is running on this folder; closed before the swap.
  const probe = new EmbeddedStore({ dir: dataDir, busyTimeoutMs: 200 });
  await probe.close();
  const target = path.join(dataDir, STORE_FILE);
  let previous: string | undefined;
  if (fs.existsSync(target)) {
    previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
  fs.copyFileSync(backupFile, `${target}.partial`);
  fs.renameSync(`${target}.partial`, target);
  return { collections, previous };
}
