/**
 * Development only: screenshots of every view against the fixture server
 * (test-output/dashboard/fixture-*.png), desktop and 360 px.
 *
 *   node --import tsx test/node/dashboard/shoot-fixture.ts
 */
import { startFixtureServer } from './fixture-server';
import { launch, SHOTS } from './browser';

const server = await startFixtureServer(0);
const b = await launch();
const page = await b.context.newPage();
page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
for (const width of [1200, 360]) {
  await page.setViewportSize({ width, height: width === 360 ? 760 : 900 });
  for (const view of ['village', 'village/supplier', 'market', 'energy', 'ledger', 'admin']) {
    await page.goto(`${server.url}/#/${view}`);
    await page.getByText('live', { exact: true }).waitFor({ timeout: 10000 });
    await page.waitForTimeout(600);
    if (view === 'ledger') {
      await page.getByRole('button', { name: 'Audit now' }).click();
      await page.getByText('Ledger verified').waitFor();
      await page.locator('details.block summary').nth(1).click();
      await page.waitForTimeout(200);
    }
    const sw = await page.evaluate('document.documentElement.scrollWidth');
    console.log(`${view} @${width}: scrollWidth ${sw}`);
    await page.screenshot({ path: `${SHOTS}fixture-${view.replace('/', '-')}-${width}.png`, fullPage: true });
    if (width === 360) {
      const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
      for (let y = 0, i = 0; y < Math.min(height, 3 * 760); y += 760, i++) {
        await page.screenshot({ path: `${SHOTS}fixture-${view.replace('/', '-')}-360-part${i}.png`, fullPage: true, clip: { x: 0, y, width: 360, height: Math.min(760, height - y) } });
      }
    }
  }
}
await b.close();
await server.close();
console.log(`screenshots in ${SHOTS}`);
