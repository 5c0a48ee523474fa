import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_ADMIN_TOKEN } from './service';

const MAIN = path.join(__dirname, '../../src/main.ts');

/** Starts the real service in a child process on `port` and waits until it listens. */
export async function spawnService(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildProcess & { output: () => string }> {
  // a benchmark may ask for a CPU profile of the service (BENCH_PROFILE=<folder>)
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', MAIN], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 30_000);
    const check = () => {
      if (out.includes('Chimba is listening')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`service exited ${code}: ${out}`));
    child.stdout!.on('data', check);
    child.on('exit', onExit);
  });
  return Object.assign(child, { output: () => out });
}

/** Resolves when the child exits, with its code or signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
}

/** A port unlikely to be taken. */
export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}
