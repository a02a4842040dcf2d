/**
 * Ledger throughput on Node: appends/s with every signature checked (one
 * core, OpenSSL), the same with the thread-pool pre-check, audit speed, RSS.
 * Target: ≥ 3 000 tx/s on one core with signature checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../hub/ledger/ledger';
import { LevelStore } from '../../hub/ledger/level-store';
import { auditStore } from '../../hub/ledger/audit';
import { OpenSslVerifier } from '../../hub/crypto/verify';
import type { Envelope } from '../../hub/ledger/types';
import { T0, Village, defaultRules } from '../node/ledger/fixture';

const HOUSES = 40;
const PER_BLOCK = 250;
const TXS = 6000;

function workload(v: Village): Envelope[][] {
  // Offers, requests, meter reports and member transfers, as a village day mixes them.
  const txs: Envelope[] = [];
  const reportSeq = new Array<number>(HOUSES).fill(0);
  for (let i = 0; txs.length < TXS; i++) {
    const h = i % HOUSES;
    const k = i % 4;
    if (k === 0) txs.push(v.order('offer', h, `o-${i}`, { toMs: T0 + 1e12 }));
    else if (k === 1) txs.push(v.order('request', h, `r-${i}`, { toMs: T0 + 1e12 }));
    else if (k === 2) txs.push(v.report(h, ++reportSeq[h]!));
    else txs.push(v.transfer(h, (h + 1) % HOUSES, 1));
  }
  const batches: Envelope[][] = [];
  for (let i = 0; i < txs.length; i += PER_BLOCK) batches.push(txs.slice(i, i + PER_BLOCK));
  return batches;
}

/** A verifier that accepts everything: measures what the ledger costs besides OpenSSL. */
class NoCheck extends OpenSslVerifier {
  override verify(): boolean {
    return true;
  }
}

async function appendRun(name: string, dir: string, v: Village, batches: Envelope[][], parallelVerify: boolean, verifier?: OpenSslVerifier): Promise<void> {
  let t = T0;
  const ledger = await Ledger.open({ store: new LevelStore(dir), clock: () => (t += 1000), hubSecretKey: v.hub.sk, parallelVerify, verifier }, v.genesis);
  await ledger.append(Array.from({ length: HOUSES }, (_, i) => v.admit(i)));
  const start = performance.now();
  let applied = 0;
  for (const b of batches) {
    const r = await ledger.append(b);
    applied += r.outcomes.filter((o) => o.status === 'applied').length;
  }
  const s = (performance.now() - start) / 1000;
  await ledger.close();
  if (applied !== TXS) throw new Error(`${name}: only ${applied} of ${TXS} applied`);
  console.log(`${name}: ${Math.round(TXS / s)} tx/s, ${(batches.length / s).toFixed(1)} blocks/s (${TXS} txs in ${batches.length} blocks of ${PER_BLOCK}, LevelDB, fsync per block)`);
}

export async function run(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'swarmgrid-bench-ledger-'));
  try {
    const v = new Village({ ...defaultRules, endowmentMilliUnits: 10_000_000 });
    let t = performance.now();
    const batches = workload(v);
    console.log(`(signing ${TXS} txs with noble took ${((performance.now() - t) / 1000).toFixed(1)} s; not counted)`);

    const verifier = new OpenSslVerifier();
    const sample = batches[0]![0]!;
    const n = 2000;
    t = performance.now();
    for (let i = 0; i < n; i++) verifier.verify(sample.kind, sample.body, sample.sig, v.node(0).pk);
    console.log(`OpenSSL verify alone: ${Math.round(n / ((performance.now() - t) / 1000))} /s on one core`);

    await appendRun('append, one core', join(tmp, 'a'), v, batches, false);
    // Fresh village keys give fresh seqs: rebuild the workload for the second ledger.
    const v2 = new Village({ ...defaultRules, endowmentMilliUnits: 10_000_000 });
    await appendRun('append, thread-pool pre-check', join(tmp, 'b'), v2, workload(v2), true);

    await appendRun('append, signatures NOT checked (ledger overhead only)', join(tmp, 'c'), v, batches, false, new NoCheck());

    const store = new LevelStore(join(tmp, 'a'));
    await store.open();
    t = performance.now();
    const report = await auditStore(store);
    const s = (performance.now() - t) / 1000;
    await store.close();
    console.log(`audit (replay + every signature + stored state): ${Math.round(report.txs / s)} tx/s, ${report.height} blocks in ${s.toFixed(2)} s`);
    console.log(`RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
