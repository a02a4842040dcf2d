import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/protocol/topics.json';
import {
  allNodesFilter, inTopic, IN_KINDS, nodeInboxFilter, nodeTopic, NODE_KINDS, parseTopic, publicFilter, publicTopic, PUBLIC_KINDS,
  topicOf, tryParseTopic, villageFilter, kindOnTopic, isKind, type Topic,
} from '../../../shared/protocol/index';
import { SwarmError } from '../../../shared/errors';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
};

const parse = suite('protocol: topic vectors');

for (const v of vectors.valid) {
  parse(`parses ${v.topic} and builds it back`, () => {
    const t = parseTopic(v.topic);
    assert.equal(t, v.parsed);
    assert.is(topicOf(t), v.topic);
  });
}

for (const v of vectors.invalid) {
  parse(`refuses ${v.name}`, () => {
    assert.is(code(() => parseTopic(v.topic)), v.code);
    assert.is(tryParseTopic(v.topic), null);
  });
}

const build = suite('protocol: topic builders');

build('every kind round-trips through its builder', () => {
  for (const k of NODE_KINDS) assert.equal(parseTopic(nodeTopic('v', 'n-1', k)), { scope: 'node', village: 'v', node: 'n-1', kind: k });
  for (const k of IN_KINDS) assert.equal(parseTopic(inTopic('v', 'n-1', k)), { scope: 'in', village: 'v', node: 'n-1', kind: k });
  for (const k of PUBLIC_KINDS) assert.equal(parseTopic(publicTopic('v', k)), { scope: 'public', village: 'v', kind: k });
});

build('builders refuse ids outside the scheme', () => {
  assert.is(code(() => nodeTopic('V', 'n', 'offer')), 'E_TOPIC');
  assert.is(code(() => nodeTopic('v', 'public', 'offer')), 'E_TOPIC');
  assert.is(code(() => nodeTopic('v', 'a/b', 'offer')), 'E_TOPIC');
  assert.is(code(() => inTopic('v', '+', 'contract')), 'E_TOPIC');
  assert.is(code(() => publicTopic('v', 'offer' as 'time')), 'E_TOPIC');
  assert.is(code(() => topicOf({ scope: 'node', village: 'v', node: 'n', kind: 'contract' } as unknown as Topic)), 'E_TOPIC');
});

build('filters for inbox, public, all nodes and village', () => {
  assert.is(nodeInboxFilter('sfax-lab', 'house-a'), 'swarmgrid/v1/sfax-lab/house-a/in/#');
  assert.is(publicFilter('sfax-lab'), 'swarmgrid/v1/sfax-lab/public/#');
  assert.is(allNodesFilter('sfax-lab', 'offer'), 'swarmgrid/v1/sfax-lab/+/offer');
  assert.is(villageFilter('sfax-lab'), 'swarmgrid/v1/sfax-lab/#');
  assert.is(code(() => nodeInboxFilter('sfax-lab', '#')), 'E_TOPIC');
});

build('every topic kind carries a known message kind (public/contracts carries contract)', () => {
  for (const v of vectors.valid) assert.ok(isKind(kindOnTopic(parseTopic(v.topic))), v.topic);
  assert.is(kindOnTopic(parseTopic('swarmgrid/v1/v/public/contracts')), 'contract');
  assert.is(kindOnTopic(parseTopic('swarmgrid/v1/v/n/in/contract')), 'contract');
});

parse.run();
build.run();
