/**
 * Static checks of the Moddable manifests and board folders, run in CI
 * without the SDK: the JSON is well formed, every module path exists,
 * every import reachable from a main resolves — the way XS resolves it
 * (relative to the importing module's *name*, ".js" stripped, no index
 * files) — to a mapped module that is the same file TypeScript resolves,
 * and the preload list avoids the two XS traps found on the simulator.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COUPLING_PINS, METER_PINS } from '../../../firmware/main/pins';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const manifestsDir = join(root, 'manifests');

type Json = Record<string, unknown>;
interface Manifest {
  include?: string | string[];
  modules?: Record<string, string | string[]>;
  preload?: string | string[];
  creation?: { main?: string };
  config?: Json;
  platforms?: Record<string, Manifest & { error?: string }>;
}

function readJson(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** SDK module names the firmware may import (provided by the SDK manifests we include). */
const SDK_MODULES = new Set(['timer', 'time', 'preference', 'sntp', 'wifi', 'mc/config', 'swarmgrid/board']);
const isSdk = (name: string): boolean => SDK_MODULES.has(name) || name.startsWith('embedded:');

/** name → absolute file, for the modules a manifest (and its local includes) maps on `platform`. */
function moduleMap(file: string, platform: string, out = new Map<string, string>(), preload: string[] = []): { modules: Map<string, string>; preload: string[] } {
  const m = readJson(file);
  const dir = dirname(file);
  const sections: Manifest[] = [m];
  const p = m.platforms?.[platform];
  if (p) sections.push(p);
  for (const s of sections) {
    for (const inc of list(s.include)) if (!inc.startsWith('$(')) moduleMap(resolve(dir, inc), platform, out, preload);
  }
  for (const s of sections) {
    for (const [name, value] of Object.entries(s.modules ?? {})) {
      for (const v of list(value)) {
        if (v.startsWith('$(')) continue;
        if (name.endsWith('/*') || name === '*') {
          assert.ok(v.endsWith('/*'), `${file}: ${name} maps to ${v}`);
          const d = resolve(dir, v.slice(0, -2));
          assert.ok(existsSync(d) && statSync(d).isDirectory(), `${file}: directory ${v} missing`);
          for (const f of readdirSync(d)) {
            if (f.endsWith('.d.ts') || !/\.(ts|js)$/.test(f)) continue;
            out.set(name.slice(0, -1) + f.replace(/\.(ts|js)$/, ''), join(d, f));
          }
        } else {
          const base = resolve(dir, v);
          const f = [base, `${base}.ts`, `${base}.js`].find((c) => existsSync(c) && statSync(c).isFile());
          assert.ok(f, `${file}: module ${name} → ${v} does not exist`);
          out.set(name, f!);
        }
      }
    }
    preload.push(...list(s.preload));
  }
  return { modules: out, preload };
}

/** Runtime imports of a source file (type-only imports are erased by tsc). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2]) continue;
    if (m[1] === 'export' && !m[3]) continue;
    out.push(m[4]!);
  }
  return out;
}

/** The file TypeScript/Node would load for `spec` from `importer` (relative specifiers only). */
function fileResolution(importer: string, spec: string): string | undefined {
  const base = resolve(dirname(importer), spec.replace(/\.js$/, ''));
  return [`${base}.ts`, `${base}.js`, base].find((c) => existsSync(c) && statSync(c).isFile());
}

/** XS's fxFindModule: relative to the importing module's name; ".js" stripped. */
function xsName(importerName: string, spec: string): string {
  const s = spec.replace(/\.(m?js)$/, '');
  return s.startsWith('.') ? posix.normalize(posix.join(posix.dirname(importerName), s)) : s;
}

interface Walk {
  reached: Set<string>;
  problems: string[];
}

function walk(modules: Map<string, string>, main: string): Walk {
  const reached = new Set<string>();
  const problems: string[] = [];
  const todo = [main];
  while (todo.length) {
    const name = todo.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    const file = modules.get(name)!;
    for (const spec of importsOf(file)) {
      const target = xsName(name, spec);
      if (isSdk(target) && !modules.has(target)) continue;
      const mapped = modules.get(target);
      if (!mapped) {
        problems.push(`${name} imports "${spec}" → module "${target}" is not mapped`);
        continue;
      }
      if (spec.startsWith('.')) {
        const real = fileResolution(file, spec);
        if (real !== mapped) problems.push(`${name} imports "${spec}": XS loads ${mapped}, TypeScript ${real ?? 'nothing'}`);
      }
      todo.push(target);
    }
  }
  return { reached, problems };
}

/** Modules reachable from `start` (its own imports, transitively). */
function closure(modules: Map<string, string>, start: string): Set<string> {
  return walk(modules, start).reached;
}

function matchesPreload(name: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

const manifests = suite('device manifests');

manifests('every manifest and board manifest is JSON with the expected sections', () => {
  for (const f of ['common.json', 'coupling.json', 'meter.json']) {
    const m = readJson(join(manifestsDir, f));
    assert.type(m.modules, 'object', f);
  }
  for (const node of ['coupling', 'meter']) {
    const m = readJson(join(manifestsDir, `${node}.json`));
    assert.equal(list(m.include), ['./common.json']);
    assert.is(m.creation?.main, `firmware/main/${node}`);
  }
  const common = readJson(join(manifestsDir, 'common.json'));
  assert.ok(common.platforms?.esp32, 'an esp32 section (else the "..." error fires for esp32)');
  assert.ok(common.platforms?.lin?.modules?.['swarmgrid/board'], 'the simulator maps swarmgrid/board');
  for (const b of readdirSync(join(root, 'boards'))) {
    const dir = join(root, 'boards', b);
    if (!statSync(dir).isDirectory()) continue;
    const m = readJson(join(dir, 'manifest.json'));
    assert.is(m.modules?.['swarmgrid/board'], './host/provider', b);
    assert.ok(existsSync(join(dir, 'host', 'provider.js')), `${b}/host/provider.js`);
  }
});

for (const node of ['coupling', 'meter']) {
  for (const platform of ['lin', 'esp32']) {
    manifests(`${node} on ${platform}: every import from the main resolves to a mapped module, as XS resolves it`, () => {
      const { modules } = moduleMap(join(manifestsDir, `${node}.json`), platform);
      if (platform === 'esp32') for (const b of readdirSync(join(root, 'boards'))) if (existsSync(join(root, 'boards', b, 'manifest.json'))) moduleMap(join(root, 'boards', b, 'manifest.json'), platform, modules);
      const main = `firmware/main/${node}`;
      assert.ok(modules.has(main), `${main} is mapped`);
      const { reached, problems } = walk(modules, main);
      assert.equal(problems, []);
      assert.ok(reached.has('shared/sign'), 'the signing module is reached');
      assert.ok(reached.has('swarmgrid/board'), 'the board provider is reached');
    });
  }

  manifests(`${node}: nothing preloaded reaches @noble/hashes or shared/canonical`, () => {
    const { modules, preload } = moduleMap(join(manifestsDir, `${node}.json`), 'lin');
    for (const name of modules.keys()) {
      if (!matchesPreload(name, preload)) continue;
      const reach = closure(modules, name);
      // noble's SHA-256 keeps a module-level scratch Uint32Array: frozen by preload, it throws "read-only buffer".
      assert.not.ok([...reach].some((n) => n.startsWith('@noble/hashes')), `${name} is preloaded but reaches @noble/hashes`);
      // XS 8.2.3 segfaulted in RegExp exec of the preloaded canonical KEY pattern (coupling build, lin).
      assert.not.ok(reach.has('shared/canonical'), `${name} is preloaded but reaches shared/canonical`);
    }
  });
}

manifests('each board provider names every pin the mains require, none twice, none on UART 0', () => {
  for (const b of readdirSync(join(root, 'boards'))) {
    const file = join(root, 'boards', b, 'host', 'provider.js');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const pins = new Map<string, number>();
    for (const m of text.matchAll(/^\s*([A-Za-z0-9]+):\s*(0x[0-9a-fA-F]+|\d+),?\s*(\/\/.*)?$/gm)) pins.set(m[1]!, Number(m[2]));
    const required = [...COUPLING_PINS, ...METER_PINS];
    for (const p of required) assert.ok(pins.has(p), `${b}: pin ${p}`);
    const gpios = required.map((p) => pins.get(p)!);
    assert.is(new Set(gpios).size, gpios.length, `${b}: a GPIO used twice`);
    for (const g of gpios) assert.not.ok(g === 1 || g === 3, `${b}: GPIO ${g} belongs to UART 0 (xsbug)`);
    assert.ok(pins.get('mpptUart') === 1 && pins.get('bmvUart') === 2, `${b}: VE.Direct on UART 1 and 2`);
  }
});

manifests.run();
