/**
 * `npm run migrate -- --to-mongo [--uri mongodb://…] [--resume]`: copies the embedded store
 * in `DATA_DIR` into MongoDB (`--uri` or `MONGODB_URI`), for a pilot that outgrows one
 * machine. Stop the service first. Then start it with `MONGODB_URI` set.
 */
import { loadConfig } from '../config';
import { EmbeddedStore, MongoStore } from '../store';
import { copyStore } from '../store/migrate';
import { runCli } from './run';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (!process.argv.includes('--to-mongo')) {
    console.error('Usage: npm run migrate -- --to-mongo [--uri mongodb://host/chimba] [--resume]');
    return 2;
  }
  const config = loadConfig();
  const uri = arg('uri') ?? config.mongodbUri;
  if (!uri) {
    console.error('Say where MongoDB is: --uri mongodb://host:27017/chimba (or MONGODB_URI).');
    return 2;
  }
  const source = new EmbeddedStore({ dir: config.dataDir });
  const target = await MongoStore.connect(uri);
  try {
    const report = await copyStore(source, target, {
      resume: process.argv.includes('--resume'),
      onProgress: (name, n) => process.stdout.write(`\r${name}: ${n}      `),
    });
    process.stdout.write('\n');
    let ok = true;
    for (const [name, r] of Object.entries(report)) {
      if (r.source || r.target)
        console.log(`${name.padEnd(18)} ${String(r.source).padStart(9)} → ${r.target}`);
      if (r.target < r.source) ok = false;
    }
    console.log(
      ok
        ? 'Done. Start Chimba with MONGODB_URI set to use it.'
        : 'Some collections hold fewer documents than the source: run again with --resume.',
    );
    return ok ? 0 : 1;
  } finally {
    await source.close();
    await target.close();
  }
}

runCli('migration', main);
