/**
 * `swarmgrid ledger audit --data DIR | FILE` and `swarmgrid ledger export
 * --data DIR --out FILE`. An audit prints one summary line and exits 0, or
 * prints the first violation (stable code, block height, tx index) and
 * exits 1.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail } from '../../shared/errors';
import { auditExport, auditStore, exportLedger, type AuditReport } from '../ledger/audit';
import { LevelStore } from '../ledger/level-store';
import { ledgerPath } from '../ledger/index';
import type { Command } from './main';

function openStore(dataDir: string): LevelStore {
  const path = ledgerPath(dataDir);
  if (!existsSync(path)) fail('E_LEDGER_STORE', `no ledger in ${dataDir} (expected ${path})`);
  return new LevelStore(path, { createIfMissing: false });
}

function summary(r: AuditReport): string {
  const kinds = Object.entries(r.txsByKind).sort().map(([k, n]) => `${k} ${n}`).join(', ');
  return `ok: ${r.height} blocks, ${r.txs} txs${kinds ? ` (${kinds})` : ''}; ${r.members} members hold ${r.totalMilliUnits} milli-units; head ${r.headHash}\n`;
}

export const audit: Command = {
  summary: 'Audit a ledger: every hash link, signature, signer permission and balance, replayed from genesis.',
  usage: 'swarmgrid ledger audit --data DIR | swarmgrid ledger audit FILE (an export)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, options: { data: { type: 'string' } }, allowPositionals: true, strict: true });
    if ((values.data === undefined) === (positionals.length !== 1)) {
      process.stderr.write(`usage: ${audit.usage}\n`);
      return 2;
    }
    let report: AuditReport;
    if (values.data !== undefined) {
      const store = openStore(values.data);
      await store.open();
      try {
        report = await auditStore(store);
      } finally {
        await store.close();
      }
    } else {
      const file = positionals[0]!;
      if (!existsSync(file)) fail('E_AUDIT_FORMAT', `no such file ${file}`);
      report = await auditExport(file);
    }
    process.stdout.write(summary(report));
    return 0;
  },
};

export const exportCommand: Command = {
  summary: 'Export a ledger as JSON lines (genesis, then one block per line) for an offline audit.',
  usage: 'swarmgrid ledger export --data DIR --out FILE',
  async run(args) {
    const { values } = parseArgs({ args, options: { data: { type: 'string' }, out: { type: 'string' } }, strict: true });
    if (values.data === undefined || values.out === undefined) {
      process.stderr.write(`usage: ${exportCommand.usage}\n`);
      return 2;
    }
    const store = openStore(values.data);
    await store.open();
    try {
      const { blocks } = await exportLedger(store, values.out);
      process.stdout.write(`exported genesis and ${blocks} blocks to ${values.out}\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};

/** `ledger audit` (main.ts loads `command`); `ledger export` is loaded as exportCommand. */
export const command = audit;
