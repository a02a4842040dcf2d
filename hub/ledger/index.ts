/**
 * The hub's permissioned ledger (see README "Ledger"). Import from here.
 */
import { join } from 'node:path';

export { Ledger, diffEntries, type AppendResult, type BlockSigner, type LedgerOptions } from './ledger';
export { AuditError, Chain, type ChainHead, type SealedBlock } from './chain';
export { auditChain, auditExport, auditStore, exportLedger, type AuditReport } from './audit';
export { MemoryStore } from './memory-store';
export { LevelStore, type LevelStoreOptions } from './level-store';
export type { Commit, LedgerStore } from './store';
export { checkGenesis, makeGenesis, type VerifyFn } from './genesis';
export { contractCostMilliUnits, handlers } from './handlers';
export { genesisHash, headerHash, txHash, txRoot } from './block';
export * from './types';

/** Where the LevelDB ledger lives inside a hub data directory. */
export function ledgerPath(dataDir: string): string {
  return join(dataDir, 'ledger');
}
