/**
 * `npm run restore -- <backup file>`: puts a backup made by `npm run backup` in place of
 * the store in `DATA_DIR`. Stop the service first; the current store is kept beside it.
 */
import { loadConfig } from '../config';
import { restoreBackup } from '../store/backup';
import { runCli } from './run';

async function main(): Promise<number> {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('Usage: npm run restore -- <backup file>');
    return 2;
  }
  const config = loadConfig();
  if (config.mongodbUri) {
    console.error(
      'This deployment stores in MongoDB: restore it with mongorestore (see docs/operating.md, "Backups").',
    );
    return 2;
  }
  const { collections, previous } = await restoreBackup(file, config.dataDir);
  console.log(`Restored ${file} into ${config.dataDir}.`);
  for (const [name, n] of Object.entries(collections)) if (n) console.log(`  ${name}: ${n}`);
  if (previous) console.log(`The store it replaced is kept as ${previous}.`);
  return 0;
}

runCli('restore', main);
