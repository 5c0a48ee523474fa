import { Worker } from 'node:worker_threads';
import { StoreUnavailable } from '../../domain/errors';

/**
 * Keeps the write-ahead log short from a thread of its own: every `everyMs` it copies what
 * was committed into the store file (`wal_checkpoint(PASSIVE)`: it never waits for or blocks
 * the writer). SQLite would otherwise do it inside a commit, on the event loop.
 */
export class Checkpointer {
  private worker?: Worker;
  private asked = 0;
  private answers = new Map<number, (result: { error?: string }) => void>();
  constructor(file: string, everyMs = 250) {
    this.worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, everyMs } });
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.worker.on('message', (m: { id: number; error?: string }) => {
      this.answers.get(m.id)?.(m);
      this.answers.delete(m.id);
    });
  }

  /**
   * A full checkpoint that resets the log to nothing (`TRUNCATE`): run while no write is in
   * progress (see `Writer.exclusive`), since passive ones never catch up with a log that
   * never stops growing.
   */
  truncate(): Promise<void> {
    const w = this.worker;
    if (!w) return Promise.resolve();
    const id = ++this.asked;
    return new Promise((resolve, reject) => {
      this.answers.set(id, (m) =>
        m.error ? reject(new StoreUnavailable(`checkpoint failed: ${m.error}`)) : resolve(),
      );
      w.postMessage({ truncate: id });
    });
  }
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.ref(); // its last checkpoint is awaited: the process must not end under it
    w.postMessage('stop');
    await exited;
  }
}

const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const db = new Database(workerData.file, { timeout: 5000 });
const run = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { /* the next round tries again */ } };
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m && m.truncate) {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      parentPort.postMessage({ id: m.truncate });
    } catch (err) {
      parentPort.postMessage({ id: m.truncate, error: String(err && err.message || err) });
    }
    return;
  }
  clearInterval(timer);
  run();
  db.close();
  process.exit(0);
});
`;

/** The backup thread: opens the store read-only and writes a compact copy of one snapshot. */
const BACKUP_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
try {
  const db = new Database(workerData.source, { readonly: true });
  db.prepare('VACUUM INTO ?').run(workerData.target);
  db.close();
  parentPort.postMessage({});
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message || err) });
}
`;

/** Copies the store file into `target` (`VACUUM INTO`) from a reader on a thread of its own. */
export function copyOnThread(source: string, target: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(BACKUP_WORKER, { eval: true, workerData: { source, target } });
    worker.once('message', (m: { error?: string }) =>
      m.error ? reject(new StoreUnavailable(`backup failed: ${m.error}`)) : resolve(),
    );
    worker.once('error', reject);
  });
}
