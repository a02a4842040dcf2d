import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { clockOffsetMs, decodeNtp, encodeRequest, NTP_UNIX_OFFSET_S } from '../../../hub/time/ntp';
import { startSntpServer } from '../../../hub/time/sntp-server';
import { ClockWatch } from '../../../hub/time/offsets';

const codec = suite('NTP codec');

codec('a request carries mode 3, version 4 and the transmit time in NTP era 0', () => {
  const req = encodeRequest(1_713_272_400_250);
  const p = decodeNtp(req)!;
  assert.is(p.mode, 3);
  assert.is(p.version, 4);
  assert.is(p.transmitMs, 1_713_272_400_250);
  const seconds = new DataView(req.buffer).getUint32(40);
  assert.is(seconds, 1_713_272_400 + NTP_UNIX_OFFSET_S);
});

codec('short datagrams are not NTP', () => {
  assert.is(decodeNtp(new Uint8Array(47)), null);
});

codec('offset follows RFC 5905: a server 500 ms ahead with 20 ms each way', () => {
  assert.is(clockOffsetMs(1000, 1520, 1521, 1041), 500);
});

const server = suite('SNTP server over UDP');

function ask(port: number, packet: Uint8Array, waitMs = 300): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(null);
    }, waitMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(new Uint8Array(m));
    });
    s.send(packet, port, '127.0.0.1');
  });
}

server('answers a client with the injected village time and echoes its transmit stamp', async () => {
  const hubNow = 1_900_000_000_000;
  const seen: number[] = [];
  const srv = await startSntpServer({ port: 0, host: '127.0.0.1', nowMs: () => hubNow, onRequest: (i) => seen.push(i.clientTransmitMs) });
  try {
    const t1 = 1_899_999_990_000; // the client is 10 s behind
    const reply = await ask(srv.port, encodeRequest(t1));
    assert.ok(reply, 'no reply');
    const p = decodeNtp(reply!)!;
    assert.is(p.mode, 4);
    assert.is(p.stratum, 1);
    assert.is(p.originateMs, t1);
    assert.is(p.receiveMs, hubNow);
    assert.is(p.transmitMs, hubNow);
    assert.is(clockOffsetMs(t1, p.receiveMs, p.transmitMs, t1), 10_000);
    assert.equal(seen, [t1]);
    assert.is(srv.served, 1);
  } finally {
    await srv.close();
  }
});

server('ignores server-mode packets and garbage instead of answering', async () => {
  const srv = await startSntpServer({ port: 0, host: '127.0.0.1', nowMs: () => 1_900_000_000_000 });
  try {
    const notClient = encodeRequest(1_000);
    notClient[0] = (4 << 3) | 4;
    assert.is(await ask(srv.port, notClient, 150), null);
    assert.is(await ask(srv.port, new Uint8Array([1, 2, 3]), 150), null);
    assert.is(srv.ignored, 2);
    assert.is(srv.served, 0);
  } finally {
    await srv.close();
  }
});

const drift = suite('clock watch');

drift('flags a node once its offset leaves the bound, and records the sign', () => {
  const w = new ClockWatch(2000);
  assert.is(w.observe('house-a', 10_500, 10_000, 'message').startedDrifting, false);
  const r = w.observe('house-a', 13_000, 10_000, 'sntp');
  assert.is(r.startedDrifting, true);
  assert.is(r.clock.offsetMs, 3000);
  assert.is(w.observe('house-a', 13_000, 10_000, 'sntp').startedDrifting, false);
  assert.is(w.observe('house-b', 7_000, 10_000, 'message').clock.drifting, true);
  assert.equal(w.all().map((c) => [c.node, c.offsetMs]), [['house-a', 3000], ['house-b', -3000]]);
});

codec.run();
server.run();
drift.run();
