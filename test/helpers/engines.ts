import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore, MongoStore, Store } from '../../src/store';

/** A storage engine the contract tests run on, and how to open a fresh one. */
export interface EngineUnderTest {
  name: 'embedded' | 'mongo';
  available: boolean;
  why?: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = 'chimba-test-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every engine: embedded always; MongoDB when MONGODB_URI is set, otherwise reported as skipped. */
export function engines(): EngineUnderTest[] {
  const uri = process.env.MONGODB_URI;
  return [
    {
      name: 'embedded',
      available: true,
      async open() {
        const tmp = tempDir();
        const store = new EmbeddedStore({ dir: tmp.dir, ttlSweepMs: 100 });
        return {
          store,
          async cleanup() {
            await store.close();
            tmp.remove();
          },
        };
      },
    },
    {
      name: 'mongo',
      available: !!uri,
      why: uri ? undefined : 'MONGODB_URI is not set: the MongoDB engine was NOT tested in this run',
      async open() {
        const db = `chimba_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
        const u = new URL(uri!);
        u.pathname = `/${db}`;
        const store = await MongoStore.connect(u.toString());
        return {
          store,
          async cleanup() {
            await store.close();
          },
        };
      },
    },
  ];
}

/**
 * The engines a whole service can run on in a test: the settings that choose each (a
 * fresh database on MongoDB when MONGODB_URI is set; reported as skipped otherwise).
 */
export function serviceEngines(): {
  name: 'embedded' | 'mongo';
  available: boolean;
  why?: string;
  env(): Record<string, string>;
}[] {
  return engines().map((e) => ({
    name: e.name,
    available: e.available,
    why: e.why,
    env: (): Record<string, string> => {
      if (e.name === 'embedded') return {};
      const u = new URL(process.env.MONGODB_URI!);
      u.pathname = `/chimba_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      return { MONGODB_URI: u.toString() };
    },
  }));
}
