/**
 * Bundles the village dashboard (hub/web) with esbuild, in memory: one
 * minified ES module (`/assets/dashboard.js`, uPlot included), one stylesheet
 * (`/assets/dashboard.css`, uPlot's included) and `index.html` pointing at
 * them with a content hash, so a phone caches the assets for good and only
 * re-reads the 1 KB page. Nothing is fetched from outside the hub.
 *
 *   const assets = await buildDashboard();
 *   mountDashboard(httpApi, assets);          // GET / and GET /assets/*
 *
 * `node --import tsx hub/web/build.ts [--out DIR]` prints the asset sizes
 * (and writes them as files into DIR, e.g. the gitignored hub/web/dist).
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import type { HttpApi, Request } from '../api/http';
import { SwarmError } from '../../shared/errors';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface DashboardAsset {
  /** Served path: `/` or `/assets/<name>`. */
  path: string;
  type: string;
  body: Buffer;
  /** gzip of body (served when the browser accepts it). */
  gzip: Buffer;
  etag: string;
  /** Content-hashed assets never change under their URL; index.html is revalidated. */
  immutable: boolean;
}

export type DashboardAssets = Map<string, DashboardAsset>;

export interface BuildOptions {
  /** Default true. */
  minify?: boolean;
  /** Inline source map in the bundle (development). Default false. */
  sourcemap?: boolean;
}

function asset(path: string, type: string, body: Buffer, immutable: boolean): DashboardAsset {
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
  return { path, type, body, gzip: gzipSync(body, { level: 9 }), etag, immutable };
}

/** Build the dashboard into memory. */
export async function buildDashboard(opts: BuildOptions = {}): Promise<DashboardAssets> {
  const minify = opts.minify ?? true;
  const common = {
    bundle: true,
    write: false,
    minify,
    logLevel: 'silent' as const,
    absWorkingDir: here,
    // a cheap Android phone's Chromium / WebView from 2020 on (safari15: esbuild cannot lower destructuring for 14)
    target: ['es2020', 'chrome80', 'firefox80', 'safari15'],
  };
  const [js, css, html] = await Promise.all([
    build({ ...common, entryPoints: [`${here}src/main.ts`], format: 'esm', sourcemap: opts.sourcemap ? 'inline' : false, outfile: 'dashboard.js', legalComments: 'none' }),
    build({ ...common, entryPoints: [`${here}style.css`], outfile: 'dashboard.css', loader: { '.css': 'css' } }),
    readFile(`${here}index.html`, 'utf8'),
  ]);
  const jsOut = (js.outputFiles ?? []).find((f) => f.path.endsWith('.js'));
  const cssOut = (css.outputFiles ?? []).find((f) => f.path.endsWith('.css'));
  if (!jsOut || !cssOut) throw new SwarmError('E_API_INTERNAL', 'esbuild produced no dashboard bundle');
  const jsA = asset('/assets/dashboard.js', 'text/javascript; charset=utf-8', Buffer.from(jsOut.contents), true);
  const cssA = asset('/assets/dashboard.css', 'text/css; charset=utf-8', Buffer.from(cssOut.contents), true);
  const page = html
    .replace('/assets/dashboard.js', `/assets/dashboard.js?v=${jsA.etag.slice(1, 9)}`)
    .replace('/assets/dashboard.css', `/assets/dashboard.css?v=${cssA.etag.slice(1, 9)}`);
  const htmlA = asset('/', 'text/html; charset=utf-8', Buffer.from(page, 'utf8'), false);
  return new Map([[htmlA.path, htmlA], [jsA.path, jsA], [cssA.path, cssA]]);
}

/** Write one asset, honouring If-None-Match, gzip and HEAD. */
export function sendAsset(a: DashboardAsset, req: { method: string; raw: { headers: Record<string, string | string[] | undefined> } }, res: ServerResponse): void {
  const headers: Record<string, string> = {
    'content-type': a.type,
    etag: a.etag,
    'cache-control': a.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
  };
  if (a.path === '/') {
    // everything the page loads comes from the hub itself
    headers['content-security-policy'] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  }
  if (req.raw.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const enc = String(req.raw.headers['accept-encoding'] ?? '');
  const gz = /\bgzip\b/.test(enc) && a.gzip.length < a.body.length;
  const body = gz ? a.gzip : a.body;
  if (gz) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serve the dashboard on an HttpApi: `GET /` (also `/index.html`) and `GET /assets/*`. */
export function mountDashboard(api: HttpApi, assets: DashboardAssets): HttpApi {
  const page = (req: Request, res: ServerResponse) => sendAsset(assets.get('/')!, req, res);
  api.get('/', page);
  api.get('/index.html', page);
  api.get('/assets/*', (req, res) => {
    const a = assets.get(`/assets/${req.params['*'] ?? ''}`);
    if (!a) throw new SwarmError('E_API_NOT_FOUND', `no dashboard asset ${req.path}`);
    sendAsset(a, req, res);
  });
  return api;
}

/**
 * Write the built dashboard as files (`index.html`, `assets/dashboard.js`,
 * `assets/dashboard.css`) for a server that serves a folder; returns the paths.
 */
export async function writeDashboard(dir: string, assets?: DashboardAssets): Promise<string[]> {
  const all = assets ?? (await buildDashboard());
  await mkdir(join(dir, 'assets'), { recursive: true });
  const out: string[] = [];
  for (const a of all.values()) {
    const p = join(dir, a.path === '/' ? 'index.html' : a.path.slice(1));
    await writeFile(p, a.body);
    out.push(p);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outAt = process.argv.indexOf('--out');
  const assets = await buildDashboard();
  if (outAt > 0 && process.argv[outAt + 1]) for (const p of await writeDashboard(process.argv[outAt + 1]!, assets)) console.log(`wrote ${p}`);
  for (const a of assets.values()) console.log(`${a.path.padEnd(24)} ${String(a.body.length).padStart(7)} B  gzip ${String(a.gzip.length).padStart(6)} B`);
}
