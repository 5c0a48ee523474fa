import { ConfigError } from '../config';

/**
 * Runs a command-line tool: its exit code, or 1 with a one-line reason. A store another
 * process holds gets the hint that matters (stop the service first).
 */
export function runCli(what: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      const msg = err instanceof ConfigError ? err.message : (err as Error).message;
      console.error(
        /in use by another Chimba process/.test(msg)
          ? `${msg}: stop the service first.`
          : `${what} failed: ${msg}`,
      );
      process.exit(1);
    },
  );
}
