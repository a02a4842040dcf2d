import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/report.json';
import { MeterNode } from '../../../firmware/meter/node';
import { MemoryStore } from '../../../firmware/meter/record';
import { decode, decodeEnvelope, nodeTopic } from '../../../shared/protocol/index';
import { utf8Encode } from '../../../shared/bytes';

const wire = suite('meter reports on the wire (shared/protocol)');

wire('the vector payloads are canonical meter-report envelopes the hub decodes', () => {
  for (const r of v.reports) {
    const msg = decodeEnvelope(utf8Encode(r.payload), 'meter-report');
    assert.equal(msg, JSON.parse(r.payload));
  }
});

wire('every report a MeterNode publishes decodes on its node topic', () => {
  const node = new MeterNode({ meterId: 'm-house-a', nodeId: 'house-a', secretKeyHex: v.secretKey, store: new MemoryStore(), reportEveryMs: 60_000 });
  node.connected(true, 0);
  node.beginContract({ id: 'c-000042', beginMs: 10_000, endMs: 70_000 }, 0);
  node.setMode('prosumer');
  for (let s = 0; s <= 130; s++) {
    node.sample({ atMs: s * 1000, busMV: 12_600, currentMA: s < 100 ? 4_000 : -3_000 });
    node.tick(s * 1000);
  }
  const out = node.drain().publish;
  assert.ok(out.length >= 3);
  const topic = nodeTopic('village-1', 'house-a', 'meter-report');
  for (const o of out) {
    const msg = decode(topic, utf8Encode(o.payload));
    assert.is(msg.kind, 'meter-report');
    assert.equal(msg, JSON.parse(o.payload));
  }
});

wire.run();
