import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Ledger, type BlockSigner } from '../../../hub/ledger/ledger';
import { MemoryStore } from '../../../hub/ledger/memory-store';
import { auditStore } from '../../../hub/ledger/audit';
import { HubSigner } from '../../../hub/service/signer';
import { sign, verify } from '../../../shared/sign';
import type { Block, Envelope } from '../../../hub/ledger/types';
import { Village, keyPair, steppingClock } from './fixture';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A day's worth of mixed blocks: admissions, then orders, reports and transfers. */
function batches(v: Village): Envelope[][] {
  const out: Envelope[][] = [[0, 1, 2, 3].map((i) => v.admit(i))];
  for (let b = 0; b < 6; b++) {
    out.push([
      v.order('offer', b % 4, `o-${b}`),
      v.order('request', (b + 1) % 4, `r-${b}`),
      v.report(b % 4, Math.floor(b / 4) + 1),
      v.transfer(b % 4, (b + 2) % 4, 1),
    ]);
  }
  return out;
}

async function sealAll(ledger: Ledger, v: Village): Promise<void> {
  for (const batch of batches(v)) {
    const r = await ledger.append(batch);
    assert.ok(r.outcomes.every((o) => o.status === 'applied'), JSON.stringify(r.outcomes));
  }
}

async function storedBlocks(store: MemoryStore): Promise<Block[]> {
  const out: Block[] = [];
  for await (const b of store.blocks()) out.push(b);
  return out;
}

const s = suite('ledger with an injected block signer');

s('a ledger sealed by the OpenSSL HubSigner audits clean and every block signature verifies with shared/sign', async () => {
  const v = new Village();
  const store = new MemoryStore();
  const ledger = await Ledger.open({ store, clock: steppingClock(), hubSecretKey: v.hub.sk, signer: new HubSigner(v.hub.sk) }, v.genesis);
  await sealAll(ledger, v);
  assert.is(ledger.head.height, 7);
  const report = await auditStore(store);
  assert.is(report.height, 7);
  assert.is(report.txs, 4 + 6 * 4);
  assert.is(report.headHash, ledger.head.hash);
  const blocks = await storedBlocks(store);
  assert.is(blocks.length, 7);
  for (const b of blocks) {
    assert.match(b.sig, /^[0-9a-f]{128}$/);
    assert.ok(BigInt('0x' + b.sig.slice(64)) <= N >> 1n, `block ${b.header.height}: high-S`);
    assert.ok(verify('block', b.header, b.sig, v.genesis.body.hubKey), `block ${b.header.height}`);
  }
  await ledger.close();
});

s('the signer alone (no secret key) makes the ledger writable', async () => {
  const v = new Village();
  const store = new MemoryStore();
  const ledger = await Ledger.open({ store, clock: steppingClock(), signer: new HubSigner(v.hub.sk) }, v.genesis);
  const r = await ledger.append([v.admit(0)]);
  assert.is(r.outcomes[0]!.status, 'applied');
  assert.ok(verify('block', r.block!.header, r.block!.sig, v.hub.pk));
  assert.is((await auditStore(store)).height, 1);
  await ledger.close();
});

s('without a signer the blocks are sealed by shared/sign (RFC 6979, as before)', async () => {
  const v = new Village();
  const store = new MemoryStore();
  const ledger = await Ledger.open({ store, clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
  const r = await ledger.append([v.admit(0)]);
  assert.is(r.block!.sig, sign('block', r.block!.header, v.hub.sk));
  await ledger.close();
});

s('a chain sealed partly in pure JS and partly by OpenSSL audits clean after a reopen', async () => {
  const v = new Village();
  const store = new MemoryStore();
  const all = batches(v);
  let ledger = await Ledger.open({ store, clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
  for (const b of all.slice(0, 3)) await ledger.append(b);
  await ledger.close();
  ledger = await Ledger.open({ store, clock: steppingClock(2_000_000_000_000), hubSecretKey: v.hub.sk, signer: new HubSigner(v.hub.sk) });
  for (const b of all.slice(3)) await ledger.append(b);
  assert.is(ledger.head.height, all.length);
  await ledger.close();
  await store.open();
  assert.is((await auditStore(store)).height, all.length);
  await store.close();
});

s('a signer for another key is refused at open, before any block is sealed', async () => {
  const v = new Village();
  const store = new MemoryStore();
  await Ledger.open({ store, clock: steppingClock(), signer: new HubSigner(keyPair(77).sk) }, v.genesis).then(
    () => assert.unreachable('opened'),
    (e) => {
      assert.is(e.code, 'E_LEDGER_GENESIS');
      assert.match(e.message, /block signer/);
    },
  );
});

s('a signer that returns the high-S twin is refused at open', async () => {
  const v = new Village();
  const inner = new HubSigner(v.hub.sk);
  const highS: BlockSigner = {
    sign(domain: string, body: unknown): string {
      const sig = inner.sign(domain, body);
      return sig.slice(0, 64) + (N - BigInt('0x' + sig.slice(64))).toString(16).padStart(64, '0');
    },
  };
  await Ledger.open({ store: new MemoryStore(), clock: steppingClock(), signer: highS }, v.genesis).then(
    () => assert.unreachable('opened'),
    (e) => assert.is(e.code, 'E_LEDGER_GENESIS'),
  );
});

s.run();
