import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../../hub/ledger/memory-store';
import { LevelStore } from '../../../hub/ledger/level-store';
import type { LedgerStore } from '../../../hub/ledger/store';
import { storeConformance } from './store-conformance';

storeConformance({
  name: 'MemoryStore',
  async make() {
    return new MemoryStore();
  },
  async reopen(store: LedgerStore) {
    return store; // the same memory, opened again
  },
});

const root = mkdtempSync(join(tmpdir(), 'swarmgrid-store-'));
let n = 0;
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

storeConformance({
  name: 'LevelStore',
  async make() {
    return new LevelStore(join(root, `db-${n++}`), { sync: false });
  },
  async reopen(store: LedgerStore) {
    return new LevelStore((store as LevelStore).location);
  },
});
