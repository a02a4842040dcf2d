/**
 * The dashboard end to end, on the REAL hub (hub/service Hub: embedded
 * broker, LevelDB in a temp dir) in headless Debian chromium: a person
 * admits two households in the Admin view and copies their provisioning
 * bundles; two houses of the paper scenario (real MQTT clients signing with
 * those keys) send telemetry, an offer and a request; the page shows both
 * houses, a value changing live, the contract appearing with its countdown,
 * the meters' energy, the settlement, a clean audit, and the live indicator
 * going "reconnecting…" and back when the hub restarts. Every assertion
 * reads the page as a person would (text, roles, labels). Screenshots of
 * each view at 1200 px and 360 px go to test-output/dashboard/.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Hub } from '../../../hub/service/hub';
import { writeDashboard } from '../../../hub/web/build';
import { launch, SHOTS, type Browser } from './browser';
import { House, type Bundle } from './houses';

const VILLAGE = 'paper-two-house';
const WAIT = { timeout: 20_000 };

interface Ctx {
  dir: string;
  web: string;
  hub: Hub;
  httpPort: number;
  mqttPort: number;
  browser: Browser;
  page: Page;
  url: string;
  houses: Record<string, House>;
  bundles: Record<string, Bundle>;
}

const ctx = {} as Ctx;

/**
 * The village clock: real time plus a shift the test may move forward. The
 * market plans contracts on whole minutes (slotMs 60 s); jumping the hub's
 * clock to just before a minute keeps the test short without faking the hub.
 */
let shift = 0;
const clock = () => Date.now() + shift;

function hubOptions(httpPort: number, mqttPort: number) {
  return {
    dataDir: ctx.dir,
    village: VILLAGE,
    nowMs: clock,
    mqtt: { mode: 'embedded' as const, host: '127.0.0.1', port: mqttPort, wsPort: null },
    httpPort,
    httpHost: '127.0.0.1',
    sntpPort: null,
    adminToken: 'village-admin-token',
    publicHost: '127.0.0.1',
    webDir: ctx.web,
    settlementGraceMs: 3_000,
    contractResendMs: 2_000,
    loopMs: 100,
    sync: false,
    log: process.env.SWARMGRID_TEST_LOG ? (level: string, message: string) => console.log(`[hub ${level}] ${message}`) : undefined,
  };
}

async function shoot(name: string): Promise<void> {
  const page = ctx.page;
  for (const width of [1200, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 760 : 900 });
    await page.waitForTimeout(150);
    // no sideways scrolling at 360 px: the page is exactly as wide as the screen
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(wide) <= width, `${name} at ${width} px is ${String(wide)} px wide`);
    await page.screenshot({ path: `${SHOTS}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

async function view(key: string, heading: string): Promise<void> {
  await ctx.page.keyboard.press(key);
  await ctx.page.getByRole('heading', { level: 2, name: heading }).waitFor(WAIT);
}

const e2e = suite('dashboard on the real hub');

e2e.before(async () => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'swarmgrid-dash-'));
  ctx.web = join(ctx.dir, 'web');
  await writeDashboard(ctx.web);
  ctx.hub = new Hub(hubOptions(0, 0));
  await ctx.hub.start();
  ctx.httpPort = ctx.hub.addresses.httpPort;
  ctx.mqttPort = ctx.hub.addresses.mqttPort;
  ctx.url = `http://127.0.0.1:${ctx.httpPort}`;
  ctx.browser = await launch();
  ctx.page = await ctx.browser.context.newPage();
  ctx.page.setDefaultTimeout(20_000);
  ctx.houses = {};
  ctx.bundles = {};
});

e2e.after(async () => {
  for (const h of Object.values(ctx.houses ?? {})) await h.close().catch(() => undefined);
  await ctx.browser?.close();
  await ctx.hub?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

e2e('the hub serves the dashboard and the page goes live', async () => {
  const page = ctx.page;
  await page.goto(`${ctx.url}/#/village`);
  await page.getByRole('status').filter({ hasText: 'live' }).first().waitFor(WAIT);
  assert.is(await page.locator('#live').textContent(), 'live');
  await page.getByText('No households yet').waitFor(WAIT);
  assert.match((await page.locator('header').textContent()) ?? '', VILLAGE);
});

e2e('Admin: the token, then two households admitted with their bundles', async () => {
  const page = ctx.page;
  await view('5', 'Admin');
  await page.getByRole('textbox', { name: 'Admin token' }).fill('village-admin-token');
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByText('Token set for this tab').waitFor();
  for (const [id, name] of [['supplier', 'Supplier house'], ['requester', 'Requester house']] as const) {
    await page.getByLabel('Household id').fill(id);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Admit household' }).click();
    await page.getByText(`Admitted ${id}. Put this on its boards:`).waitFor(WAIT);
    const mc = await page.getByLabel(`mcconfig arguments for ${id}`, { exact: true }).inputValue();
    assert.match(mc, `node=${id}`);
    assert.match(mc, `village=${VILLAGE}`);
    // what a person copies: the whole bundle as JSON
    const json = await page.getByLabel('provisioning bundle', { exact: true }).inputValue();
    const bundle = JSON.parse(json) as Bundle;
    assert.is(bundle.household, id);
    assert.type(bundle.node.secretKey, 'string');
    ctx.bundles[id] = bundle;
    if (id === 'supplier') await shoot('admin-admitted');
  }
});

e2e('Admin: price band and endowment saved as a rule change', async () => {
  const page = ctx.page;
  await page.getByLabel('Lowest price').fill('1');
  await page.getByLabel('Highest price').fill('5');
  await page.getByLabel('Endowment of a new member (units)').fill('100');
  await page.getByRole('button', { name: 'Save rules' }).click();
  await page.getByText('Rules saved on the ledger').waitFor(WAIT);
  await page.getByText(/price band 1 unit\/kWh – 5 units\/kWh; endowment 100 units/).waitFor(WAIT);
});

e2e('Village: both houses appear with mode, SOC, powers; a value changes live', async () => {
  const page = ctx.page;
  for (const id of ['supplier', 'requester']) {
    const h = await House.connect(`mqtt://127.0.0.1:${ctx.mqttPort}`, ctx.bundles[id]!, clock);
    ctx.houses[id] = h;
    await h.online();
  }
  const { supplier, requester } = ctx.houses as { supplier: House; requester: House };
  await supplier.telemetry({ mode: 'A', socPermille: 872, pvPowerMW: 41_200, loadPowerMW: 8_300, busPowerMW: 0, batteryMA: 2_400, batteryMV: 13_210 });
  await requester.telemetry({ mode: 'A', socPermille: 412, pvPowerMW: 15_600, loadPowerMW: 61_000, busPowerMW: 0, batteryMA: -3_500, batteryMV: 12_410 });
  await view('1', 'Village');
  const card = (name: string) => page.getByRole('article', { name });
  await card('Supplier house supplier').getByText('87.2 %').waitFor(WAIT);
  await card('Requester house requester').getByText('41.2 %').waitFor(WAIT);
  assert.match(await card('Supplier house supplier').textContent() ?? '', /online/);
  assert.match(await card('Supplier house supplier').textContent() ?? '', /41\.2 W/);
  assert.match(await card('Requester house requester').textContent() ?? '', /61 W/);
  assert.is(await card('Supplier house supplier').getByRole('meter', { name: 'Battery state of charge' }).getAttribute('aria-valuetext'), '87.2 %');
  // live: the supplier turns prosumer and its SOC moves, without a reload
  await supplier.telemetry({ mode: 'P', socPermille: 880, pvPowerMW: 43_000, loadPowerMW: 8_000, busPowerMW: 0, batteryMA: 2_600, batteryMV: 13_250 });
  await requester.telemetry({ mode: 'C', socPermille: 405, pvPowerMW: 15_000, loadPowerMW: 60_000, busPowerMW: 0, batteryMA: -3_600, batteryMV: 12_400 });
  await card('Supplier house supplier').getByText('88.0 %').waitFor(WAIT);
  await card('Supplier house supplier').getByText('Prosumer').waitFor(WAIT);
  await card('Requester house requester').getByText('Consumer').waitFor(WAIT);
  assert.match(await page.getByText(/2 households, 2 online/).textContent() ?? '', /0 open faults/);
  // presence: the requester drops off and comes back; a fault shows on the supplier's card
  await requester.offline();
  await card('Requester house requester').getByText(/offline since \d\d:\d\d/).waitFor(WAIT);
  await page.getByText(/2 households, 1 online/).waitFor(WAIT);
  await requester.online();
  await card('Requester house requester').getByText('online', { exact: true }).waitFor(WAIT);
  await supplier.fault('RELAY_READBACK', 'RL1 did not read back closed');
  await card('Supplier house supplier').getByText('Open faults (1)').waitFor(WAIT);
  assert.match(await card('Supplier house supplier').textContent() ?? '', /RELAY_READBACK since \d\d:\d\d — RL1 did not read back closed/);
  await shoot('village');
  // one household's last 24 h, through its link
  await page.getByRole('link', { name: 'Last 24 h of supplier' }).click();
  await page.getByRole('heading', { level: 2, name: 'Household Supplier house' }).waitFor(WAIT);
  await page.getByText(/points? since \d\d:\d\d; latest \d\d:\d\d:\d\d: SOC 88\.0 %/).waitFor(WAIT);
  assert.is(await page.locator('.chart canvas').count(), 1);
  await shoot('village-household');
});

e2e('Market: an offer rests in the book, a request makes a contract that counts down, delivers and settles', async () => {
  const page = ctx.page;
  const { supplier, requester } = ctx.houses as { supplier: House; requester: House };
  // the village clock jumps to 12 s before a whole minute; the page reloads to learn the hub's time
  const minute = 60_000;
  const begin = Math.ceil((clock() + 15_000) / minute) * minute;
  shift += begin - 12_000 - clock();
  await view('2', 'Market');
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Market' }).waitFor(WAIT);
  await page.locator('#live').getByText('live', { exact: true }).waitFor(WAIT);
  // two minutes of overlap: on a slow machine the contract may take the second one
  const window = { fromMs: begin, toMs: begin + 2 * minute };
  const sContract = supplier.nextContract();
  const rContract = requester.nextContract();
  await supplier.order('offer', { energyMWh: 4_000, priceUnitsPerKWh: 2, ...window, maxPowerMW: 400_000, socPermille: 880 });
  await page.getByRole('table', { name: 'Offers (1)' }).getByText('Supplier house (supplier)').waitFor(WAIT);
  assert.match(await page.getByRole('table', { name: 'Offers (1)' }).textContent() ?? '', /4 Wh.*2 units\/kWh/);
  await shoot('market-book');

  await requester.order('request', { energyMWh: 4_000, priceUnitsPerKWh: 3, ...window, maxPowerMW: 400_000, socPermille: 405 });
  const open = page.getByRole('table', { name: 'Open contracts (1)' });
  await open.waitFor(WAIT);
  const c = await sContract;
  assert.is((await rContract).id, c.id);
  await open.getByText(c.id).waitFor();
  assert.match(await open.textContent() ?? '', /Supplier house \(supplier\) → Requester house \(requester\)/);
  await open.getByText(/(starts|ends) in \d+ (s|min)/).waitFor(WAIT);
  await page.getByRole('table', { name: 'Offers (0)' }).waitFor(WAIT);

  await supplier.ack(c);
  await requester.ack(c);
  await open.getByText(/acknowledged|delivering/).waitFor(WAIT);
  // the window opens: the countdown turns to "ends in"
  await open.getByText(/ends in \d+ (s|min)/).waitFor({ timeout: 90_000 });
  await supplier.meterReport(c, 1_500, false);
  await requester.meterReport(c, 1_450, false);
  await open.getByText(/1\.5 Wh of 4 Wh/).waitFor(WAIT);
  await shoot('market-contract');

  // the village clock jumps past the window's end; both meters send their final figure
  shift += c.endMs + 500 - clock();
  await supplier.meterReport(c, 4_000, true);
  await requester.meterReport(c, 3_900, true);
  const settled = page.getByRole('table', { name: /^Settled \(1/ });
  await settled.getByText(c.id).waitFor({ timeout: 30_000 });
  const row = await settled.textContent() ?? '';
  assert.match(row, /settled/);
  assert.match(row, /units/);
  await page.getByRole('table', { name: 'Open contracts (0)' }).waitFor(WAIT);
  await shoot('market-settled');
});

e2e('Ledger: blocks with verified signatures, balances moved, the audit passes', async () => {
  const page = ctx.page;
  await view('4', 'Ledger');
  const balances = page.getByRole('table', { name: 'Account balances' });
  await balances.getByText('Supplier house (supplier)').waitFor(WAIT);
  const text = await balances.textContent() ?? '';
  // 100 units each at admission; the supplier earned, the requester paid
  assert.match(text, /Supplier house \(supplier\)100\.0\d+ units/);
  assert.match(text, /Requester house \(requester\)99\.9\d+ units/);
  const first = page.locator('details.block').first();
  assert.match(await first.locator('summary').textContent() ?? '', /✓ verified/);
  assert.is(await page.getByText('✗ invalid').count(), 0);
  await first.locator('summary').click();
  await first.getByRole('table').getByText('✓ verified').first().waitFor(WAIT);
  await page.getByRole('button', { name: 'Audit now' }).click();
  await page.getByText(/✓ Ledger verified: \d+ blocks, \d+ transactions, \d+ balances/).waitFor(WAIT);
  await shoot('ledger');
});

e2e('Energy: the day per household with KPIs and a chart', async () => {
  const page = ctx.page;
  await view('3', 'Energy');
  await page.getByRole('status').filter({ hasText: /\d{4}-\d{2}-\d{2}: / }).waitFor(WAIT);
  const body = await page.locator('main').textContent() ?? '';
  if (/2 households/.test(body)) {
    await page.getByRole('heading', { level: 3, name: 'Supplier house (supplier)' }).waitFor();
    assert.match(body, /E_shp/);
    assert.match(body, /Wasted PV/);
    assert.ok(await page.locator('.chart canvas').count() >= 2, 'a uPlot canvas per household');
  } else assert.match(body, /no energy recorded/);
  await shoot('energy');
});

e2e('keyboard: views switch with keys and links, focus is visible on the heading', async () => {
  const page = ctx.page;
  await view('2', 'Market');
  assert.is(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Market');
  await page.getByRole('link', { name: /Village/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2, name: 'Village' }).waitFor();
  assert.is(await page.getByRole('link', { name: /Village/ }).getAttribute('aria-current'), 'page');
});

e2e('the live indicator shows the drop and comes back when the hub restarts', async () => {
  const page = ctx.page;
  await view('1', 'Village');
  await ctx.hub.stop();
  await page.locator('#live').getByText('reconnecting…').waitFor(WAIT);
  await shootOnly('reconnecting');
  ctx.hub = new Hub(hubOptions(ctx.httpPort, ctx.mqttPort));
  await ctx.hub.start();
  await page.locator('#live').getByText('live', { exact: true }).waitFor({ timeout: 30_000 });
  // the snapshot after reconnecting still shows both houses
  await page.getByRole('article', { name: 'Supplier house supplier' }).waitFor(WAIT);
  await ctx.houses.supplier!.telemetry({ mode: 'A', socPermille: 901, pvPowerMW: 30_000, loadPowerMW: 9_000, busPowerMW: 0 });
  await page.getByRole('article', { name: 'Supplier house supplier' }).getByText('90.1 %').waitFor(WAIT);
});

async function shootOnly(name: string): Promise<void> {
  await ctx.page.screenshot({ path: `${SHOTS}${name}-1200.png`, fullPage: true });
}

e2e.run();
