/**
 * Property tests (fast-check, Node only) for the meter's invariants:
 * integration is split-invariant and exact, counters never decrease, and a
 * MeterNode driven through random samples, ticks, connection changes, acks,
 * contracts, reboots and crashes mid-write never publishes one seq with two
 * bodies, never lets lifetime counters go backwards, and never counts more
 * energy than an uninterrupted reference integrator saw.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { EnergyIntegrator, UNITS_PER_MWH, type EnergyCount, type Sample } from '../../../firmware/meter/integrator';
import { MeterNode } from '../../../firmware/meter/node';
import { verifyReport, type MeterReportEnvelope } from '../../../firmware/meter/reports';
import { publicKeyOf } from '../../../shared/sign';
import { FaultyStore } from '../../../firmware/meter/faulty-store';

const SK = '7363b76f87ad7b310a122a326a074fbe01829f5a2ea3b80e85a9782f28d771c5';
const PK = publicKeyOf(SK);

const arbSamples = fc.array(
  fc.record({
    dt: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: -1000, max: 10_000 })),
    busMV: fc.integer({ min: 0, max: 100_000 }),
    currentMA: fc.integer({ min: -200_000, max: 200_000 }),
  }),
  { maxLength: 200, size: 'max' },
);

function toSamples(steps: { dt: number; busMV: number; currentMA: number }[]): Sample[] {
  let t = 1_700_000_000_000;
  return steps.map((s) => ({ atMs: (t += s.dt), busMV: s.busMV, currentMA: s.currentMA }));
}

function feed(samples: readonly Sample[], i = new EnergyIntegrator()): EnergyIntegrator {
  for (const s of samples) i.push(s);
  return i;
}

const geq = (a: EnergyCount, b: EnergyCount) => a.mWh > b.mWh || (a.mWh === b.mWh && a.rem >= b.rem);

const integ = suite('integrator properties');

integ('splitting a stream anywhere gives the same totals', () => {
  fc.assert(
    fc.property(arbSamples, fc.nat(), (steps, k) => {
      const samples = toSamples(steps);
      const cut = samples.length ? k % (samples.length + 1) : 0;
      const whole = feed(samples);
      const resumed = feed(samples.slice(cut), new EnergyIntegrator({}, feed(samples.slice(0, cut)).state()));
      assert.equal(resumed.state(), whole.state());
    }),
    { numRuns: 300 },
  );
});

integ('constant power P over T is P·T exactly', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: -200_000, max: 200_000 }),
      fc.integer({ min: 1, max: 2000 }),
      fc.integer({ min: 1, max: 500 }),
      (busMV, currentMA, step, n) => {
        const i = new EnergyIntegrator();
        for (let k = 0; k <= n; k++) i.push({ atMs: k * step, busMV, currentMA });
        const half = 2n * BigInt(Math.abs(busMV * currentMA)) * BigInt(step * n);
        const want = { mWh: Number(half / BigInt(UNITS_PER_MWH)), rem: Number(half % BigInt(UNITS_PER_MWH)) };
        const zero = { mWh: 0, rem: 0 };
        assert.equal(i.exportCount(), currentMA > 0 && busMV > 0 ? want : zero);
        assert.equal(i.importCount(), currentMA < 0 && busMV > 0 ? want : zero);
      },
    ),
    { numRuns: 300 },
  );
});

integ('export and import never decrease', () => {
  fc.assert(
    fc.property(arbSamples, (steps) => {
      const i = new EnergyIntegrator();
      let e = i.exportCount();
      let m = i.importCount();
      for (const s of toSamples(steps)) {
        i.push(s);
        assert.ok(geq(i.exportCount(), e) && geq(i.importCount(), m));
        e = i.exportCount();
        m = i.importCount();
      }
    }),
    { numRuns: 300 },
  );
});

type Op =
  | { k: 'sample'; dt: number; busMV: number; currentMA: number }
  | { k: 'tick' }
  | { k: 'conn'; up: boolean }
  | { k: 'ack'; pick: number }
  | { k: 'begin'; lenS: number; startInS: number }
  | { k: 'end' }
  | { k: 'reboot' }
  | { k: 'crash'; after: number; mode: 'torn' | 'refuse' };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ k: fc.constant('sample' as const), dt: fc.integer({ min: 1, max: 3000 }), busMV: fc.integer({ min: 11_000, max: 14_000 }), currentMA: fc.integer({ min: -20_000, max: 20_000 }) }) },
  { weight: 10, arbitrary: fc.constant({ k: 'tick' as const }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('conn' as const), up: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('begin' as const), lenS: fc.integer({ min: 1, max: 120 }), startInS: fc.integer({ min: -5, max: 30 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'end' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'reboot' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('crash' as const), after: fc.integer({ min: 0, max: 2 }), mode: fc.constantFrom('torn' as const, 'refuse' as const) }) },
);

const node = suite('MeterNode properties under reboots and crashes');

node('no seq is published twice with different bytes, lifetime never goes back, never more than the reference', () => {
  let published = 0;
  let reboots = 0;
  let finalsSeen = 0;
  fc.assert(
    fc.property(fc.array(arbOp, { minLength: 100, maxLength: 400 }), (ops) => {
      const store = new FaultyStore();
      const make = () => new MeterNode({ meterId: 'm-1', nodeId: 'house-1', secretKeyHex: SK, store, reportEveryMs: 20_000, retryMs: 10_000, persist: { minGapMs: 5_000, everyMs: 30_000, everyMWh: 50 } });
      let m = make();
      const ref = new EnergyIntegrator();
      const bySeq = new Map<number, string>();
      let now = 1_700_000_000_000;
      let contractN = 0;
      let up = false;
      const collect = () => {
        for (const o of m.drain().publish) {
          const seen = bySeq.get(o.seq);
          if (seen !== undefined) assert.is(o.payload, seen, `seq ${o.seq} republished with other bytes`);
          else bySeq.set(o.seq, o.payload);
        }
      };
      for (const op of ops) {
        switch (op.k) {
          case 'sample': {
            now += op.dt;
            const s = { atMs: now, busMV: op.busMV, currentMA: op.currentMA };
            ref.push(s);
            m.sample(s);
            break;
          }
          case 'tick':
            now += 1000;
            m.tick(now);
            break;
          case 'conn':
            up = op.up;
            m.connected(up, now);
            break;
          case 'ack': {
            const q = m.queued();
            if (q.length) m.ack(q[op.pick % q.length]!.seq);
            break;
          }
          case 'begin': {
            contractN++;
            const beginMs = now + op.startInS * 1000;
            m.beginContract({ id: `c-${contractN}`, beginMs, endMs: beginMs + op.lenS * 1000 }, now);
            break;
          }
          case 'end':
            m.endContract(now);
            break;
          case 'crash':
            store.failNext(op.mode, op.after);
            break;
          case 'reboot':
            collect();
            store.revive(); // also disarms a pending failure
            m = make();
            if (up) m.connected(true, now);
            break;
        }
        collect();
      }
      // every published report verifies; lifetime counters are monotone in seq order and bounded by the reference
      const bodies = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => {
        const env = JSON.parse(p) as MeterReportEnvelope;
        assert.ok(verifyReport(env, PK));
        return env.body;
      });
      for (let i = 1; i < bodies.length; i++) {
        assert.ok(bodies[i]!.lifetime.exportMWh >= bodies[i - 1]!.lifetime.exportMWh, 'export went back');
        assert.ok(bodies[i]!.lifetime.importMWh >= bodies[i - 1]!.lifetime.importMWh, 'import went back');
      }
      const st = m.status();
      assert.ok(st.exportMWh <= ref.exportMWh && st.importMWh <= ref.importMWh, 'counted more than the reference');
      for (const b of bodies) {
        assert.ok(b.lifetime.exportMWh <= ref.exportMWh && b.lifetime.importMWh <= ref.importMWh);
        if (b.contract) assert.ok(b.contract.exportMWh <= b.lifetime.exportMWh && b.contract.importMWh <= b.lifetime.importMWh);
      }
      // one final report per contract id
      const finals = bodies.filter((b) => b.contract?.final).map((b) => b.contract!.id);
      assert.is(new Set(finals).size, finals.length, 'a contract closed twice');
      // windows never share a segment: the finals' energies add up to at most the lifetime counters
      const finalParts = bodies.filter((b) => b.contract?.final).map((b) => b.contract!);
      assert.ok(finalParts.reduce((t, p) => t + p.exportMWh, 0) <= st.exportMWh, 'export counted in two windows');
      assert.ok(finalParts.reduce((t, p) => t + p.importMWh, 0) <= st.importMWh, 'import counted in two windows');
      published += bodies.length;
      finalsSeen += finals.length;
      reboots += ops.filter((o) => o.k === 'reboot').length;
    }),
    { numRuns: 60 },
  );
  // the generator must actually exercise the interesting paths
  assert.ok(published > 100 && finalsSeen > 5 && reboots > 20, `published ${published}, finals ${finalsSeen}, reboots ${reboots}`);
});

integ.run();
node.run();
