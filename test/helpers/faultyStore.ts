import { StoreUnavailable } from '../../src/domain/errors';
import { Collection, Store } from '../../src/store/types';

/** Switches a test turns: the store refuses writes (`down`), or answers them late (`delayMs`). */
export class Faults {
  down = false;
  delayMs = 0;
}

const WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'deleteOne',
  'deleteMany',
]);

/**
 * The real store behind a switch: while `down`, every write fails as an unreachable
 * store would (StoreUnavailable) and `ping` fails; with `delayMs`, writes wait first.
 */
export function faultyStore(inner: Store, faults: Faults): Store {
  const gate = async () => {
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.down) throw new StoreUnavailable('injected fault: the store cannot be reached');
  };
  const wrap = <T extends { _id: string }>(col: Collection<T>): Collection<T> =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        if (WRITES.has(String(prop)))
          return async (...args: unknown[]) => {
            await gate();
            return v.apply(target, args);
          };
        return v.bind(target);
      },
    });
  return {
    engine: inner.engine,
    collection: (name) => wrap(inner.collection(name)),
    // the unit's writes go through the faults too
    unit: (fn) => inner.unit((tx) => fn(faultyStore(tx, faults))),
    ping: async () => {
      if (faults.down) throw new StoreUnavailable('injected fault: the store cannot be reached');
      return inner.ping();
    },
    backup: inner.backup?.bind(inner),
    close: () => inner.close(),
  };
}
