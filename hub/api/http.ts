/**
 * A small JSON HTTP server for the hub's API and the dashboard's files:
 * routes by method + path pattern, bodies capped and parsed as JSON, writes
 * behind a bearer admin token, errors as `{error: {code, message}}` with the
 * stable codes of shared/errors. No framework: the API is a dozen routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { SwarmError } from '../../shared/errors';

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  admin: boolean;
  raw: IncomingMessage;
}

export type Handler = (req: Request, res: ServerResponse) => unknown | Promise<unknown>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
  admin: boolean;
}

export interface HttpApiOptions {
  host?: string;
  port: number;
  adminToken: string;
  maxBodyBytes?: number;
}

export class HttpApi {
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  private readonly tokenHash: Buffer;

  constructor(private readonly o: HttpApiOptions) {
    this.tokenHash = createHash('sha256').update(o.adminToken).digest();
  }

  /** A public route (`GET /api/households/:id`). Return a value to send it as JSON. */
  get(path: string, handler: Handler): this {
    return this.add('GET', path, handler, false);
  }

  /** A write route: needs `Authorization: Bearer <admin token>`. */
  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler, true);
  }

  put(path: string, handler: Handler): this {
    return this.add('PUT', path, handler, true);
  }

  private add(method: string, path: string, handler: Handler, admin: boolean): this {
    this.routes.push({ method, parts: path.split('/').filter(Boolean), handler, admin });
    return this;
  }

  private isAdmin(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) return false;
    const given = createHash('sha256').update(h.slice(7)).digest();
    return timingSafeEqual(given, this.tokenHash);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    let methodMismatch = false;
    for (const route of this.routes) {
      if (route.parts.length !== parts.length && !(route.parts.at(-1) === '*' && parts.length >= route.parts.length - 1)) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < route.parts.length; i++) {
        const want = route.parts[i]!;
        if (want === '*') {
          params['*'] = parts.slice(i).join('/');
          break;
        }
        if (want.startsWith(':')) params[want.slice(1)] = parts[i]!;
        else if (want !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
        methodMismatch = true;
        continue;
      }
      return { route, params };
    }
    return methodMismatch ? 'method' : undefined;
  }

  async listen(): Promise<number> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.host ?? '0.0.0.0', () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async serve(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(raw.url ?? '/', 'http://hub');
      const m = this.match(raw.method ?? 'GET', url.pathname);
      if (m === undefined) return sendError(res, 404, 'E_API_NOT_FOUND', `no route for ${url.pathname}`);
      if (m === 'method') return sendError(res, 405, 'E_API_METHOD', `${raw.method} is not allowed on ${url.pathname}`);
      const admin = this.isAdmin(raw);
      if (m.route.admin && !admin) return sendError(res, 401, 'E_API_AUTH', 'this write needs the admin token (Authorization: Bearer …)');
      let body: unknown;
      if (raw.method === 'POST' || raw.method === 'PUT') body = await readJson(raw, this.o.maxBodyBytes ?? 64 * 1024);
      const result = await m.route.handler({ method: raw.method ?? 'GET', path: url.pathname, params: m.params, query: url.searchParams, body, admin, raw }, res);
      if (!res.headersSent && result !== undefined) sendJson(res, 200, result);
      else if (!res.headersSent) res.writableEnded || res.end();
    } catch (e) {
      if (res.headersSent) return void res.end();
      if (e instanceof SwarmError) return sendError(res, statusFor(e.code), e.code, e.message);
      sendError(res, 500, 'E_API_INTERNAL', (e as Error).message);
    }
  }
}

function statusFor(code: string): number {
  if (code === 'E_API_BODY_SIZE') return 413;
  if (code.endsWith('NOT_FOUND') || code.endsWith('UNKNOWN')) return 404;
  return 400;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { error: { code, message } });
}

function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (over) return; // drain and discard the rest; the 413 goes out with connection: close
      if (size > max) {
        over = true;
        chunks.length = 0;
        reject(new SwarmError('E_API_BODY_SIZE', `request body over ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new SwarmError('E_API_BODY_JSON', 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
