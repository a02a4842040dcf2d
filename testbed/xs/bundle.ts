/**
 * Bundle TypeScript for the XS engine on the host: one IIFE script (xsnap
 * evaluates scripts, not modules), ES2022, no Node built-ins.
 */
import { build } from 'esbuild';

export interface BundleOptions {
  /** Source of the entry module (resolved from `resolveDir`). */
  contents: string;
  resolveDir: string;
  /** Module specifier → absolute path replacements (e.g. `uvu` → the XS shim). */
  alias?: Record<string, string>;
  /** Inline a source map (for readable stack traces). */
  sourcemap?: boolean;
  minify?: boolean;
}

/** Bundle `contents` and everything it imports into one script. */
export async function bundleForXs(options: BundleOptions): Promise<string> {
  const result = await build({
    stdin: { contents: options.contents, resolveDir: options.resolveDir, loader: 'ts', sourcefile: 'xs-entry.ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    alias: options.alias ?? {},
    sourcemap: options.sourcemap ? 'inline' : false,
    minify: options.minify ?? false,
    logLevel: 'silent',
    external: ['node:*'],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}
