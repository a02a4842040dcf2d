// `swarmgrid ledger audit|export` run as child processes on a real on-disk ledger.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LevelStore } from '../../../hub/ledger/level-store';
import { blockKey } from '../../../hub/ledger/store';
import { ledgerPath } from '../../../hub/ledger/index';
import { sign } from '../../../shared/sign';
import { buildDiskLedger } from './disk';
import type { Village } from './fixture';
import type { Block } from '../../../hub/ledger/types';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'swarmgrid-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/swarmgrid.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const cases = suite('swarmgrid ledger (CLI, child processes)');
let data = '';
let exported = '';
let v: Village;

cases.before(async () => {
  data = join(tmp, 'data');
  ({ v } = await buildDiskLedger(data));
  exported = join(tmp, 'ledger.jsonl');
});

cases('audit --data passes on an honest ledger and sums the balances', () => {
  const r = cli('ledger', 'audit', '--data', data);
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /^ok: 4 blocks, 12 txs \(admission 3, contract 1, fault 1, meter-report 2, offer 1, request 1, settlement 1, transfer 2\); 3 members hold 300000 milli-units; head [0-9a-f]{64}\n$/);
});

cases('export writes genesis then one block per line, and the export audits on its own', () => {
  const r = cli('ledger', 'export', '--data', data, '--out', exported);
  assert.is(r.status, 0, r.err);
  assert.is(r.out, `exported genesis and 4 blocks to ${exported}\n`);
  const lines = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 5);
  assert.is(lines[0].kind, 'genesis');
  assert.equal(lines.slice(1).map((b: Block) => b.header.height), [1, 2, 3, 4]);
  const a = cli('ledger', 'audit', exported);
  assert.is(a.status, 0, a.err);
  assert.match(a.out, /^ok: 4 blocks, 12 txs/);
});

function tampered(name: string, edit: (lines: string[]) => void): string {
  const lines = readFileSync(exported, 'utf8').trim().split('\n');
  edit(lines);
  const file = join(tmp, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function editBlock(lines: string[], height: number, f: (b: Block) => void): void {
  const b = JSON.parse(lines[height]!) as Block;
  f(b);
  lines[height] = JSON.stringify(b);
}

cases('a changed amount fails with E_AUDIT_SIG at its block and tx', () => {
  const file = tampered('amount.jsonl', (lines) => editBlock(lines, 3, (b) => {
    (b.txs[1]!.body as { amountMilliUnits: number }).amountMilliUnits = 150_000;
  }));
  const r = cli('ledger', 'audit', file);
  assert.is(r.status, 1);
  assert.is(r.err, 'swarmgrid ledger audit: E_AUDIT_SIG: block 3, tx 1: transfer refused: E_LEDGER_SIG: signature of transfer does not verify under its signer\'s key\n');
});

cases('a removed block fails with E_AUDIT_LINK where the gap is', () => {
  const file = tampered('removed.jsonl', (lines) => lines.splice(2, 1));
  const r = cli('ledger', 'audit', file);
  assert.is(r.status, 1);
  assert.match(r.err, /^swarmgrid ledger audit: E_AUDIT_LINK: block 2: found height 3 where 2 should follow 1/);
});

cases('a forged tx signature (valid, by a key not allowed) fails with E_AUDIT_SIG', () => {
  const file = tampered('forged-tx.jsonl', (lines) => editBlock(lines, 3, (b) => {
    const tx = b.txs[0]!;
    tx.sig = sign(tx.kind, tx.body, v.admin.sk);
  }));
  const r = cli('ledger', 'audit', file);
  assert.is(r.status, 1);
  assert.match(r.err, /E_AUDIT_SIG: block 3, tx 0: settlement refused/);
});

cases('a forged block signature fails with E_AUDIT_SIG on the header', () => {
  const file = tampered('forged-block.jsonl', (lines) => editBlock(lines, 4, (b) => {
    b.sig = sign('block', b.header, v.admin.sk);
  }));
  const r = cli('ledger', 'audit', file);
  assert.is(r.status, 1);
  assert.is(r.err, 'swarmgrid ledger audit: E_AUDIT_SIG: block 4: the hub signature over the block header does not verify\n');
});

cases('a tx signed by a member for another member\'s money fails with E_AUDIT_SIGNER', () => {
  const file = tampered('signer.jsonl', (lines) => editBlock(lines, 4, (b) => {
    const tx = b.txs[0]!;
    const body = { ...tx.body, by: v.node(2).pk };
    b.txs[0] = { ...tx, body, sig: sign('transfer', body, v.node(2).sk) };
  }));
  const r = cli('ledger', 'audit', file);
  assert.is(r.status, 1);
  assert.match(r.err, /E_AUDIT_SIGNER: block 4, tx 0: transfer refused: E_LEDGER_SIGNER/);
});

cases('a balance changed in the data directory fails with E_AUDIT_BALANCE', async () => {
  const copy = join(tmp, 'data-balance');
  await buildDiskLedger(copy);
  const store = new LevelStore(ledgerPath(copy));
  await store.open();
  const acct = JSON.parse((await store.level.get('s/acct/house-2'))!);
  await store.level.put('s/acct/house-2', JSON.stringify({ ...acct, balanceMilliUnits: acct.balanceMilliUnits + 1_000_000 }));
  await store.close();
  const r = cli('ledger', 'audit', '--data', copy);
  assert.is(r.status, 1);
  assert.is(r.err, `swarmgrid ledger audit: E_AUDIT_BALANCE: block 4: stored balance of house-2 is ${acct.balanceMilliUnits + 1_000_000} milli-units (reserved 0), recomputed from genesis ${acct.balanceMilliUnits} milli-units (reserved 0)\n`);
});

cases('a block removed from the data directory fails with E_AUDIT_LINK', async () => {
  const copy = join(tmp, 'data-removed');
  await buildDiskLedger(copy);
  const store = new LevelStore(ledgerPath(copy));
  await store.open();
  await store.level.del(blockKey(4));
  await store.close();
  const r = cli('ledger', 'audit', '--data', copy);
  assert.is(r.status, 1);
  assert.match(r.err, /E_AUDIT_LINK: block 3: the store's head \(block 4, /);
});

cases('no ledger in the directory, or no arguments, fail cleanly', () => {
  const r = cli('ledger', 'audit', '--data', join(tmp, 'nothing'));
  assert.is(r.status, 1);
  assert.match(r.err, /E_LEDGER_STORE: no ledger in/);
  assert.is(cli('ledger', 'audit').status, 2);
});

cases.run();
