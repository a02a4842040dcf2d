import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/protocol/messages.json';
import { decode, replayKey, ReplayGuard, signerOf } from '../../../shared/protocol/index';
import { fromHex } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';

const msgOf = (name: string) => {
  const v = vectors.valid.find((x) => x.name === name)!;
  return decode(v.topic, fromHex(v.payloadHex));
};
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
};

const guard = suite('protocol: replay guard');

guard('accepts strictly increasing seq per key and refuses repeats and rewinds', () => {
  const g = new ReplayGuard();
  assert.is(g.last('node:a/offer'), 0);
  g.accept('node:a/offer', 1);
  g.accept('node:a/offer', 5);
  assert.is(code(() => g.accept('node:a/offer', 5)), 'E_REPLAY');
  assert.is(code(() => g.accept('node:a/offer', 4)), 'E_REPLAY');
  assert.is(g.last('node:a/offer'), 5);
  g.accept('node:b/offer', 1);
  assert.is(g.last('node:b/offer'), 1);
});

guard('refuses seq that is not a positive safe integer', () => {
  const g = new ReplayGuard();
  assert.not.ok(g.fresh('k', 0));
  assert.not.ok(g.fresh('k', 1.5));
  assert.not.ok(g.fresh('k', Number.NaN));
  assert.not.ok(g.fresh('k', 2 ** 53));
  assert.is(code(() => g.accept('k', -1)), 'E_REPLAY');
});

guard('restarts from persisted entries', () => {
  const g = new ReplayGuard();
  g.accept('hub:sfax-lab/contract', 42);
  const h = new ReplayGuard(g.entries());
  assert.is(h.last('hub:sfax-lab/contract'), 42);
  assert.is(code(() => h.accept('hub:sfax-lab/contract', 42)), 'E_REPLAY');
  h.accept('hub:sfax-lab/contract', 43);
});

guard('acceptMessage keys by signer and kind; a replayed message is refused', () => {
  const g = new ReplayGuard();
  const offer = msgOf('offer');
  g.acceptMessage(offer);
  assert.is(code(() => g.acceptMessage(offer)), 'E_REPLAY');
  g.acceptMessage(msgOf('cancel'));
  g.acceptMessage(msgOf('telemetry'));
  g.acceptMessage(msgOf('telemetry'));
  assert.equal(g.entries().sort(), [['node:house-a/cancel', 8], ['node:house-a/offer', 7]]);
});

const signer = suite('protocol: signer of a message');

signer('names the key to look up for each signed kind', () => {
  assert.equal(signerOf(msgOf('offer')), { role: 'node', id: 'house-a' });
  assert.equal(signerOf(msgOf('request')), { role: 'node', id: 'house-b' });
  assert.equal(signerOf(msgOf('contract on a bus')), { role: 'hub', id: 'sfax-lab' });
  assert.equal(signerOf(msgOf('time')), { role: 'hub', id: 'sfax-lab' });
  assert.equal(signerOf(msgOf('meter-report idle')), { role: 'meter', id: 'meter-a' });
  assert.equal(signerOf(msgOf('fault from the meter')), { role: 'meter', id: 'meter-a' });
  assert.equal(signerOf(msgOf('fault from the node, non-ASCII detail')), { role: 'node', id: 'house-a' });
  assert.is(signerOf(msgOf('ack')), null);
  assert.is(replayKey(msgOf('contract-ack accepted')), 'node:house-a/contract-ack');
  assert.is(replayKey(msgOf('hub presence')), null);
});

signer('every signed vector is signed by the key its signer names', () => {
  const keyOf: Record<string, string> = {};
  for (const v of vectors.valid) {
    if (!('publicKey' in v)) continue;
    const s = signerOf(decode(v.topic, fromHex(v.payloadHex)))!;
    const k = `${s.role}:${s.id}`;
    if (keyOf[k] === undefined) keyOf[k] = v.publicKey as string;
    assert.is(v.publicKey, keyOf[k], `${v.name}: ${k} signs with one key`);
  }
  assert.equal(Object.keys(keyOf).sort(), ['hub:sfax-lab', 'meter:meter-a', 'node:house-a', 'node:house-b']);
});

guard.run();
signer.run();
