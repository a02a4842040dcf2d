/**
 * Dashboard figures: esbuild time, what a phone downloads (raw and gzip),
 * and in headless chromium on the fixture server, the requests a page load
 * makes, the time to "live", the JS heap, and the work per live event
 * (100 telemetry events in a burst: script and layout time, layouts).
 */
import { buildDashboard } from '../../hub/web/build';
import { startFixtureServer } from '../node/dashboard/fixture-server';
import { launch } from '../node/dashboard/browser';

export async function run(): Promise<void> {
  let t = performance.now();
  const assets = await buildDashboard();
  console.log(`  build (esbuild, minified, in memory): ${(performance.now() - t).toFixed(0)} ms`);
  let raw = 0;
  let gz = 0;
  for (const a of assets.values()) {
    raw += a.body.length;
    gz += a.gzip.length;
    console.log(`  ${a.path.padEnd(22)} ${(a.body.length / 1024).toFixed(1).padStart(6)} KiB, gzip ${(a.gzip.length / 1024).toFixed(1).padStart(5)} KiB`);
  }
  console.log(`  first visit downloads ${(gz / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw); later visits revalidate index.html only`);

  const server = await startFixtureServer(0, { ticks: false });
  const b = await launch();
  try {
    const page = await b.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    t = performance.now();
    await page.goto(`${server.url}/#/village`);
    await page.locator('#live').getByText('live', { exact: true }).waitFor({ timeout: 15_000 });
    console.log(`  page load to "live": ${(performance.now() - t).toFixed(0)} ms, ${requests.length} requests (${[...new Set(requests)].join(', ')})`);
    const cdp = await b.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      const m = (await cdp.send('Performance.getMetrics')).metrics;
      return (m.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
    };
    console.log(`  JS heap after load: ${(await heap()).toFixed(1)} MiB`);
    const m0 = (await cdp.send('Performance.getMetrics')).metrics;
    t = performance.now();
    for (let i = 0; i < 100; i++) server.emit('telemetry', { node: i % 2 ? 'supplier' : 'requester', atMs: Date.now(), mode: 'P', socPermille: 500 + i, batteryMV: 12_800, batteryMA: 100, pvPowerMW: 30_000 + i, loadPowerMW: 8_000, busPowerMW: 100, relays: { rl1: true, rl2: false }, faults: [] });
    await page.getByText('59.9 %').waitFor({ timeout: 10_000 });
    const m1 = (await cdp.send('Performance.getMetrics')).metrics;
    const delta = (name: string) => (m1.find((x) => x.name === name)?.value ?? 0) - (m0.find((x) => x.name === name)?.value ?? 0);
    console.log(`  100 telemetry events in a burst: shown after ${(performance.now() - t).toFixed(0)} ms; script ${(delta('ScriptDuration') * 1000).toFixed(1)} ms, layout ${(delta('LayoutDuration') * 1000).toFixed(1)} ms, ${delta('LayoutCount')} layouts (renders are batched per frame)`);
    console.log(`  JS heap after the burst: ${(await heap()).toFixed(1)} MiB`);
  } finally {
    await b.close();
    await server.close();
  }
}
