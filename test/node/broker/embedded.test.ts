import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type BrokerPolicy, type EmbeddedBroker } from '../../../hub/broker/embedded';

// A small policy for the broker mechanics; the hub's real policy (node
// credentials + the protocol's ACL rules) is tested with the hub.
interface Who {
  name: string;
}
const passwords: Record<string, string> = { alice: 'pw-a', bob: 'pw-b' };
const policy: BrokerPolicy<Who> = {
  authenticate: (_id, user, pass) => (user && passwords[user] !== undefined && new TextDecoder().decode(pass) === passwords[user] ? { name: user } : null),
  canPublish: (who, topic) => topic.startsWith(`t/${who.name}/`),
  canSubscribe: (who, filter) => filter.startsWith(`t/${who.name}/`) || filter === 't/public',
};

const b = suite('embedded broker (aedes) over real sockets');
let broker: EmbeddedBroker;
const refused: string[] = [];
const clients: MqttClient[] = [];

b.before(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, wsPort: 0, policy, maxPayloadBytes: 1024, onRefused: (r) => refused.push(`${r.reason}:${r.topic ?? ''}`) });
});
b.after(async () => {
  for (const c of clients) c.end(true);
  await broker.close();
});

function connect(url: string, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 2000 });
    clients.push(c);
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

b('refuses a wrong password with CONNACK 4 / 5', async () => {
  const err = await connect(`mqtt://127.0.0.1:${broker.port}`, 'alice', 'nope').then(
    () => null,
    (e: Error & { code?: number }) => e,
  );
  assert.ok(err, 'connected with a wrong password');
  assert.match(String(err!.message), /Bad username or password|Not authorized/i);
});

b('delivers an allowed publish from TCP to a WebSocket subscriber', async () => {
  const alice = await connect(`mqtt://127.0.0.1:${broker.port}`, 'alice', 'pw-a');
  const aliceWs = await connect(`ws://127.0.0.1:${broker.wsPort}`, 'alice', 'pw-a');
  const got = new Promise<string>((resolve) => aliceWs.on('message', (t, p) => resolve(`${t}=${p.toString()}`)));
  await aliceWs.subscribeAsync('t/alice/#', { qos: 1 });
  await alice.publishAsync('t/alice/x', 'hello', { qos: 1 });
  assert.is(await got, 't/alice/x=hello');
});

b('refuses a subscription outside the ACL with SUBACK 0x80 and keeps the connection', async () => {
  const bob = await connect(`mqtt://127.0.0.1:${broker.port}`, 'bob', 'pw-b');
  // mqtt.js turns a SUBACK return code 0x80 into an error on the subscribe call.
  const err = await bob.subscribeAsync('t/alice/#', { qos: 1 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err, 'the subscription was granted');
  assert.match(err!.message, /Subscribe error/);
  assert.ok(bob.connected);
  assert.ok(refused.includes('E_BROKER_ACL:t/alice/#'));
});

b('a publish under another id never reaches subscribers', async () => {
  const alice = await connect(`mqtt://127.0.0.1:${broker.port}`, 'alice', 'pw-a');
  const seen: string[] = [];
  alice.on('message', (t) => seen.push(t));
  await alice.subscribeAsync('t/alice/#', { qos: 0 });
  const bob = await connect(`mqtt://127.0.0.1:${broker.port}`, 'bob', 'pw-b');
  bob.publish('t/alice/forged', 'x', { qos: 0 });
  await alice.publishAsync('t/alice/marker', 'm', { qos: 1 });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(seen, ['t/alice/marker']);
  assert.ok(refused.includes('E_BROKER_ACL:t/alice/forged'));
});

b('an oversized publish is refused', async () => {
  const alice = await connect(`mqtt://127.0.0.1:${broker.port}`, 'alice', 'pw-a');
  const seen: string[] = [];
  const watcher = await connect(`mqtt://127.0.0.1:${broker.port}`, 'alice', 'pw-a');
  watcher.on('message', (t) => seen.push(t));
  await watcher.subscribeAsync('t/alice/#', { qos: 0 });
  alice.publish('t/alice/big', Buffer.alloc(4096, 65), { qos: 0 });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(seen, []);
  assert.ok(refused.includes('E_MSG_SIZE:t/alice/big'));
});

b.run();
