/**
 * One conformance suite every LedgerStore backend runs (STYLE 5). A backend
 * provides `make()` (a fresh, unopened store) and `reopen(store)` (a new
 * handle on the same data, as after a restart).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LedgerStore } from '../../../hub/ledger/store';
import type { Block } from '../../../hub/ledger/types';
import { Village } from './fixture';

export interface Backend {
  name: string;
  make(): Promise<LedgerStore>;
  reopen(store: LedgerStore): Promise<LedgerStore>;
}

const hash = (c: string) => c.repeat(64);
const head = (height: number) => ({ height, hash: hash(String(height % 10)), timeMs: 1000 + height, stateHash: hash('a') });
const block = (height: number): Block => ({
  header: { height, prev: hash('0'), timeMs: 1000 + height, txCount: 0, txRoot: hash('b'), stateHash: hash('a') },
  sig: 'ff'.repeat(64),
  txs: [],
});

export function storeConformance(backend: Backend): void {
  const s = suite(`LedgerStore conformance: ${backend.name}`);
  const v = new Village();

  s('an empty store has no genesis, head, block or state', async () => {
    const st = await backend.make();
    await st.open();
    assert.is(await st.readGenesis(), undefined);
    assert.is(await st.readHead(), undefined);
    assert.is(await st.readBlock(1), undefined);
    assert.equal(await st.readStates(['acct/x']), [undefined]);
    const all = [];
    for await (const e of st.stateEntries({ cold: true })) all.push(e);
    assert.equal(all, []);
    await st.close();
  });

  s('a commit writes genesis, head and state together and they read back equal', async () => {
    const st = await backend.make();
    await st.open();
    await st.write({ genesis: v.genesis, head: head(0), state: [['rules', { a: 1 }], ['acct/house-0', { balanceMilliUnits: 5, reservedMilliUnits: 0 }]] });
    assert.equal(await st.readGenesis(), v.genesis);
    assert.equal(await st.readHead(), head(0));
    assert.equal(await st.readStates(['acct/house-0', 'rules', 'nope']), [{ balanceMilliUnits: 5, reservedMilliUnits: 0 }, { a: 1 }, undefined]);
    await st.close();
  });

  s('blocks iterate in height order from any height, past height 9 and 99', async () => {
    const st = await backend.make();
    await st.open();
    await st.write({ genesis: v.genesis, head: head(0), state: [] });
    for (let h = 1; h <= 105; h++) await st.write({ block: block(h), head: head(h), state: [] });
    const heights: number[] = [];
    for await (const b of st.blocks()) heights.push(b.header.height);
    assert.equal(heights, Array.from({ length: 105 }, (_, i) => i + 1));
    const tail: number[] = [];
    for await (const b of st.blocks(100)) tail.push(b.header.height);
    assert.equal(tail, [100, 101, 102, 103, 104, 105]);
    assert.equal(await st.readBlock(42), block(42));
    assert.equal(await st.readHead(), head(105));
    await st.close();
  });

  s('null in a commit deletes a state entry; the cold report index is listed only when asked', async () => {
    const st = await backend.make();
    await st.open();
    await st.write({ head: head(0), state: [['ord/a', 1], ['ord/b', 2], ['rpt/meter-0/000000000000001', 'h'], ['sseq/x', 3]] });
    await st.write({ head: head(1), state: [['ord/a', null], ['ord/b', 20]] });
    const warm = [];
    for await (const e of st.stateEntries()) warm.push(e);
    assert.equal(warm, [['ord/b', 20], ['sseq/x', 3]]);
    const all = [];
    for await (const e of st.stateEntries({ cold: true })) all.push(e);
    assert.equal(all, [['ord/b', 20], ['rpt/meter-0/000000000000001', 'h'], ['sseq/x', 3]]);
    assert.equal(await st.readStates(['rpt/meter-0/000000000000001']), ['h']);
    await st.close();
  });

  s('what was written is there after reopening', async () => {
    const st = await backend.make();
    await st.open();
    await st.write({ genesis: v.genesis, head: head(0), state: [['rules', { a: 1 }]] });
    await st.write({ block: block(1), head: head(1), state: [['acct/house-1', 7]] });
    await st.close();
    const again = await backend.reopen(st);
    await again.open();
    assert.equal(await again.readGenesis(), v.genesis);
    assert.equal(await again.readHead(), head(1));
    assert.equal(await again.readBlock(1), block(1));
    assert.equal(await again.readStates(['acct/house-1', 'rules']), [7, { a: 1 }]);
    await again.close();
  });

  s('values read back are copies: changing one does not change the store', async () => {
    const st = await backend.make();
    await st.open();
    await st.write({ head: head(0), state: [['acct/x', { balanceMilliUnits: 1, reservedMilliUnits: 0 }]] });
    const [a] = (await st.readStates(['acct/x'])) as Array<{ balanceMilliUnits: number }>;
    a!.balanceMilliUnits = 99;
    assert.equal(await st.readStates(['acct/x']), [{ balanceMilliUnits: 1, reservedMilliUnits: 0 }]);
    await st.close();
  });

  s.run();
}
