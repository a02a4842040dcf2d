/**
 * Protocol codec cost: encode / decode / verify rates on Node (wall time),
 * and inside XS the deterministic compute meter for decoding an offer with
 * and without its signature check (what a hub-side XS or a node pays per
 * message), plus the heap slots one decode leaves behind.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import { decode, encode, verifyMessage, type Bodies } from '../../shared/protocol/index';
import { fromHex } from '../../shared/bytes';
import { readFileSync } from 'node:fs';

interface Vector { name: string; topic: string; body: unknown; payloadHex: string; secretKey?: string; publicKey?: string }
// Read, not imported: test/tsconfig.json lists only vectors/*.json (TS6307 for subfolders).
const vectors = JSON.parse(readFileSync(new URL('../vectors/protocol/messages.json', import.meta.url), 'utf8')) as { valid: Vector[] };

const root = fileURLToPath(new URL('../..', import.meta.url));

function rate(label: string, n: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 50); i++) fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = performance.now() - t;
  console.log(`node: ${label.padEnd(34)} ${((n / ms) * 1000).toFixed(0).padStart(8)} /s  (${((ms / n) * 1000).toFixed(1)} µs each)`);
}

export async function run(): Promise<void> {
  const offer = vectors.valid.find((v) => v.name === 'offer')!;
  const tele = vectors.valid.find((v) => v.name === 'telemetry')!;
  const report = vectors.valid.find((v) => v.name === 'meter-report during a contract')!;
  const offerBytes = fromHex(offer.payloadHex);
  const teleBytes = fromHex(tele.payloadHex);
  const reportBytes = fromHex(report.payloadHex);
  const offerMsg = decode(offer.topic, offerBytes);

  rate('encode telemetry (unsigned)', 20000, () => encode('telemetry', tele.body as Bodies['telemetry']));
  rate('decode telemetry', 20000, () => decode(tele.topic, teleBytes));
  rate('decode offer (no verify)', 20000, () => decode(offer.topic, offerBytes));
  rate('decode meter-report (no verify)', 20000, () => decode(report.topic, reportBytes));
  rate('encode + sign offer', 300, (i) => encode('offer', { ...(offer.body as Bodies['offer']), seq: i + 1 }, offer.secretKey as string));
  rate('verify offer', 300, () => verifyMessage(offerMsg, offer.publicKey as string));
  rate('decode + verify offer', 300, () => verifyMessage(decode(offer.topic, offerBytes), offer.publicKey as string));

  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { decode, verifyMessage } from ${JSON.stringify(join(root, 'shared/protocol/index'))};
      import { fromHex } from ${JSON.stringify(join(root, 'shared/bytes'))};
      const v = ${JSON.stringify({ topic: offer.topic, hex: offer.payloadHex, pk: offer.publicKey, tTopic: tele.topic, tHex: tele.payloadHex })};
      const bytes = fromHex(v.hex);
      const tBytes = fromHex(v.tHex);
      let keep = [];
      globalThis.handleCommand = (cmd) => {
        const op = String.fromCharCode(...new Uint8Array(cmd));
        let ok = true;
        if (op === 'decode') keep.push(decode(v.topic, bytes));
        else if (op === 'telemetry') keep.push(decode(v.tTopic, tBytes));
        else if (op === 'drop') keep = [];
        else ok = verifyMessage(decode(v.topic, bytes), v.pk);
        return new TextEncoder().encode(String(ok)).buffer;
      };`,
  });
  const xs = await startXs({ name: 'bench-protocol' });
  try {
    await xs.evaluate(code);
    await xs.command('verify'); // first verify builds noble's precomputed tables
    const k = 20;
    const mean = async (op: string) => {
      let c = 0;
      const t = performance.now();
      for (let i = 0; i < k; i++) c += (await xs.command(op)).meter.compute;
      await xs.command('drop');
      return { compute: Math.round(c / k), ms: (performance.now() - t) / k };
    };
    const dec = await mean('decode');
    const tel = await mean('telemetry');
    const ver = await mean('verify');
    const before = (await xs.command('drop')).meter.heapCount;
    const after = (await xs.command('decode')).meter.heapCount;
    console.log(`xs:   decode offer ${dec.compute} compute; decode telemetry ${tel.compute} compute`);
    console.log(`xs:   decode + verify offer ${ver.compute} compute, ${ver.ms.toFixed(2)} ms wall (verify is ${(100 * (ver.compute - dec.compute) / ver.compute).toFixed(1)} % of it)`);
    console.log(`xs:   heap slots after one offer decode: +${after - before} (includes garbage not yet collected)`);
  } finally {
    await xs.close();
  }
}
