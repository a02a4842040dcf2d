/**
 * SNTP server on UDP (RFC 4330 §5): the hub serves the village's time from an
 * injected clock (the real one in the field, the simulated one in the testbed).
 * Non-client packets and short datagrams are ignored, never answered.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeNtp, encodeReply } from './ntp';

export interface SntpServerOptions {
  port: number;
  host?: string;
  nowMs: () => number;
  /** Called for every answered request with the client's transmit time and the hub's receive time. */
  onRequest?: (info: { address: string; port: number; clientTransmitMs: number; receiveMs: number }) => void;
  stratum?: number;
}

export interface SntpServer {
  port: number;
  served: number;
  ignored: number;
  close(): Promise<void>;
}

export async function startSntpServer(o: SntpServerOptions): Promise<SntpServer> {
  const socket: Socket = createSocket('udp4');
  const startedMs = o.nowMs();
  const state = { served: 0, ignored: 0 };
  socket.on('message', (msg, rinfo) => {
    const receiveMs = o.nowMs();
    const req = decodeNtp(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    if (!req || req.mode !== 3 || req.version < 1 || req.version > 4) {
      state.ignored++;
      return;
    }
    const reply = encodeReply(req, { stratum: o.stratum ?? 1, referenceId: 'LOCL', referenceMs: startedMs, receiveMs, transmitMs: o.nowMs() });
    socket.send(reply, rinfo.port, rinfo.address);
    state.served++;
    o.onRequest?.({ address: rinfo.address, port: rinfo.port, clientTransmitMs: req.transmitMs, receiveMs });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port, o.host ?? '0.0.0.0', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    get served() {
      return state.served;
    },
    get ignored() {
      return state.ignored;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
