import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from '../models/channel';
import { ChimbaError } from '../domain/errors';
import { Logger } from '../log';

/**
 * A durable spool on local disk for inbound messages the store could not take. Twilio
 * does not retry a webhook that failed, so when the store is down or too slow, the
 * message is written here (one file each: written, fsynced, renamed into place) and the
 * webhook is acknowledged; `replay` hands them to the inbox once the store answers again,
 * oldest first. Replaying twice is harmless: the inbound log is unique per provider id.
 */
export class Spool {
  private replaying?: Promise<number>;
  /** Orders messages spooled within the same millisecond. */
  private seq = 0;

  constructor(
    readonly dir: string,
    private log: Logger,
  ) {
    fs.mkdirSync(path.join(dir, 'failed'), { recursive: true });
  }

  /** Writes one message durably; resolves once it is on disk. */
  write(msg: IncomingMessage): string {
    // time, then a counter: names sort in the order messages arrived, even within one millisecond
    const name = `${Date.now().toString().padStart(15, '0')}-${String(++this.seq % 1e9).padStart(9, '0')}-${randomUUID()}.json`;
    const tmp = path.join(this.dir, `.${name}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify({ ...msg, receivedAt: msg.receivedAt.toISOString() }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, name));
    const dirFd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
    return name;
  }

  /** Messages waiting, oldest first. */
  pending(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  }

  /**
   * Hands every spooled message to `handle`, removing each once handled. Stops at the
   * first retryable failure (the store is still away); a message that can never be
   * handled is moved to `failed/` with the reason logged. One replay at a time.
   */
  replay(handle: (msg: IncomingMessage) => Promise<unknown>): Promise<number> {
    this.replaying ??= this.run(handle).finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /** Resolves when no replay is running (shutdown waits for it before closing the store). */
  async settle(): Promise<void> {
    await this.replaying?.catch(() => undefined);
  }

  private async run(handle: (msg: IncomingMessage) => Promise<unknown>): Promise<number> {
    let done = 0;
    for (const name of this.pending()) {
      const file = path.join(this.dir, name);
      let msg: IncomingMessage;
      try {
        const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
        msg = { ...raw, receivedAt: new Date(raw.receivedAt) };
      } catch (err) {
        this.log.error({ err, file: name }, 'unreadable spool file moved aside');
        fs.renameSync(file, path.join(this.dir, 'failed', name));
        continue;
      }
      try {
        await handle(msg);
      } catch (err) {
        // the store is still away: try again later; anything else is a message that can never
        // be handled (a bug, bad data): set aside, so it cannot block the ones behind it
        if (err instanceof ChimbaError && err.retryable) {
          this.log.warn(
            { err, waiting: this.pending().length },
            'spool replay paused: the store is still unavailable',
          );
          break;
        }
        this.log.error({ err, file: name }, 'spooled message refused; moved aside');
        fs.renameSync(file, path.join(this.dir, 'failed', name));
        continue;
      }
      fs.rmSync(file, { force: true });
      done++;
    }
    if (done) this.log.info({ replayed: done }, 'spooled messages replayed into the store');
    return done;
  }
}
