import { EmbeddedStore } from './embedded';
import { MongoStore } from './mongo';
import { Store } from './types';

/** Which engine to open: MongoDB when a URI is given, the embedded engine otherwise. */
export interface StoreSettings {
  mongodbUri?: string;
  dataDir: string;
  embeddedSync?: 'full' | 'normal';
  ttlSweepMs?: number;
}

/** Opens the store the settings choose. */
export async function openStore(s: StoreSettings): Promise<Store> {
  if (s.mongodbUri) return MongoStore.connect(s.mongodbUri);
  return new EmbeddedStore({ dir: s.dataDir, sync: s.embeddedSync, ttlSweepMs: s.ttlSweepMs });
}

export * from './types';
export { EmbeddedStore } from './embedded';
export { MongoStore } from './mongo';
