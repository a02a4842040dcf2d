/**
 * The embedded MQTT broker (aedes) on TCP and on WebSocket (for the
 * dashboard), with authentication and topic ACLs injected as a policy
 * (STYLE rule 3: aedes takes authenticate/authorize hooks; we give it ours).
 */
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { Aedes, type AuthErrorCode, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

/** Who a connected client is; decided by `authenticate`, used by the ACL checks. */
export interface BrokerPolicy<Identity> {
  authenticate(clientId: string, username: string | undefined, password: Uint8Array | undefined): Identity | null;
  canPublish(identity: Identity, topic: string): boolean;
  canSubscribe(identity: Identity, filter: string): boolean;
}

export interface EmbeddedBrokerOptions<Identity> {
  host?: string;
  /** TCP port (0 = any free port). */
  port: number;
  /** WebSocket port (0 = any free port; undefined = no WebSocket listener). */
  wsPort?: number;
  policy: BrokerPolicy<Identity>;
  /** Publishes larger than this are refused and the client is disconnected. */
  maxPayloadBytes?: number;
  /** Told about refusals (for the hub's log / fault records). */
  onRefused?: (what: { clientId: string; reason: string; topic?: string }) => void;
}

export interface EmbeddedBroker {
  aedes: Aedes;
  port: number;
  wsPort: number | undefined;
  close(): Promise<void>;
}

const IDENTITY = Symbol('swarmgrid.identity');
type WithIdentity<I> = Client & { [IDENTITY]?: I };

function authError(code: AuthErrorCode, message: string): Error & { returnCode: AuthErrorCode } {
  return Object.assign(new Error(message), { returnCode: code });
}

/** Start aedes behind the policy. */
export async function startEmbeddedBroker<Identity>(o: EmbeddedBrokerOptions<Identity>): Promise<EmbeddedBroker> {
  const maxPayload = o.maxPayloadBytes ?? 16 * 1024;
  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const id = o.policy.authenticate(client.id, username ?? undefined, password ? new Uint8Array(password) : undefined);
      if (id === null) {
        o.onRefused?.({ clientId: client.id, reason: 'E_BROKER_AUTH' });
        done(authError(4 as AuthErrorCode, 'bad username or password'), false);
        return;
      }
      (client as WithIdentity<Identity>)[IDENTITY] = id;
      done(null, true);
    },
    authorizePublish(client, packet, callback) {
      if (!client) return callback(null); // the broker's own publishes ($SYS, wills are checked at connect)
      const id = (client as WithIdentity<Identity>)[IDENTITY];
      if (id === undefined || !o.policy.canPublish(id, packet.topic)) {
        o.onRefused?.({ clientId: client.id, reason: 'E_BROKER_ACL', topic: packet.topic });
        return callback(new Error('E_BROKER_ACL: not allowed to publish on ' + packet.topic));
      }
      const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      if (size > maxPayload) {
        o.onRefused?.({ clientId: client.id, reason: 'E_MSG_SIZE', topic: packet.topic });
        return callback(new Error(`E_MSG_SIZE: ${size} bytes > ${maxPayload}`));
      }
      callback(null);
    },
    authorizeSubscribe(client, sub, callback) {
      const id = (client as WithIdentity<Identity>)[IDENTITY];
      if (id === undefined || !o.policy.canSubscribe(id, sub.topic)) {
        o.onRefused?.({ clientId: client.id, reason: 'E_BROKER_ACL', topic: sub.topic });
        // MQTT 3.1.1 §3.9.3: refuse this filter (SUBACK 0x80) and keep the connection.
        return callback(null, null);
      }
      callback(null, sub);
    },
  });

  // No Nagle: MQTT sends small packets (PUBACK, a contract) that must not
  // wait up to 40 ms for the peer's delayed ACK.
  const tcp: Server = createServer((socket) => {
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const tcpPort = (tcp.address() as { port: number }).port;

  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  let wsPort: number | undefined;
  if (o.wsPort !== undefined) {
    http = createHttpServer();
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      aedes.handle(stream, req);
    });
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(o.wsPort, o.host ?? '0.0.0.0', () => resolve());
    });
    wsPort = (http.address() as { port: number }).port;
  }

  return {
    aedes,
    port: tcpPort,
    wsPort,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      if (wss) {
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((resolve) => wss!.close(() => resolve()));
      }
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}
