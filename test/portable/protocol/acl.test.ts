import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/protocol/topics.json';
import { canPublish, canRead, canSubscribe, isValidFilter, parseTopic, topicMatches, type Identity } from '../../../shared/protocol/index';

const pub = suite('protocol: who may publish where');
for (const v of vectors.publish) {
  pub(`${v.name}`, () => assert.is(canPublish(v.identity as Identity, v.topic), v.allowed));
}

const sub = suite('protocol: who may subscribe to what');
for (const v of vectors.subscribe) {
  sub(`${v.name}`, () => assert.is(canSubscribe(v.identity as Identity, v.filter), v.allowed));
}

const match = suite('protocol: MQTT filter matching');
for (const v of vectors.matches) {
  match(`${v.filter} ${v.match ? 'matches' : 'does not match'} ${v.topic}`, () => assert.is(topicMatches(v.filter, v.topic), v.match));
}

match('filter syntax follows the MQTT wildcard rules', () => {
  assert.ok(isValidFilter('a/+/#'));
  assert.ok(isValidFilter('#'));
  assert.ok(isValidFilter('+'));
  assert.not.ok(isValidFilter('a/#/b'));
  assert.not.ok(isValidFilter('a/b#'));
  assert.not.ok(isValidFilter('a/+b'));
  assert.not.ok(isValidFilter(''));
  assert.not.ok(isValidFilter('a/\u0000'));
});

const read = suite('protocol: reading rights agree with subscriptions');

read('a node may subscribe to exactly the topics it may read', () => {
  const me: Identity = { role: 'node', village: 'sfax-lab', node: 'house-a' };
  for (const v of vectors.valid) {
    assert.is(canSubscribe(me, v.topic), canRead(me, parseTopic(v.topic)), v.topic);
  }
});

read('identities from another village read nothing here', () => {
  const hub: Identity = { role: 'hub', village: 'other' };
  for (const v of vectors.valid) assert.not.ok(canRead(hub, parseTopic(v.topic)), v.topic);
});

pub.run();
sub.run();
match.run();
read.run();
