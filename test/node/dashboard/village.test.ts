/**
 * The dashboard end to end on the VIRTUAL VILLAGE: the real hub (embedded
 * broker, ledger in a temp dir, the dashboard it bundles itself) and the
 * paper's two houses with their real coupling and meter firmware in the
 * loop (testbed/sim, Node engine), on one simulated clock, in headless
 * chromium. The page stays open while the test steps the simulated day
 * (06:00 → 12:50 → 13:10 → 14:10 → 15:30): both houses with mode and SOC, a
 * SOC that moves without a reload, the supplier's offer in the book, the
 * contract supplier → requester with its window, then settled with a
 * payment, and a clean audit. Every assertion reads the page as a person
 * would (text, roles, labels); the simulation only says when to look.
 * Screenshots at 1200 px and 360 px: test-output/dashboard/village-sim-*.png.
 *
 * Times: the village's boards keep UTC days (the sim passes no UTC offset),
 * the test browser sits in Africa/Nairobi (browser.ts, UTC+3 all year), so
 * the page shows the scenario's 13:00 as 16:00; `local()` says what to read.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { loadScenario } from '../../../testbed/scenario/load';
import { VillageSim } from '../../../testbed/sim/village-sim';
import { startSimHub, type SimHubHandle } from '../../../hub/cli/sim-hub';
import { villageIdOf } from '../../../hub/cli/simulate';
import { launch, SHOTS, type Browser } from './browser';

const scenario = loadScenario(fileURLToPath(new URL('../../../testbed/scenarios/paper-two-house.json', import.meta.url)));
const VILLAGE = villageIdOf(scenario.name);
const DAY0 = Date.UTC(2024, 3, 14);
const WAIT = { timeout: 20_000 };
/** Africa/Nairobi, the test browser's zone (no daylight saving). */
const EAT_MS = 3 * 3_600_000;

const at = (h: number, m = 0) => DAY0 + h * 3_600_000 + m * 60_000;
/** "16:01": the clock a person in the browser's zone reads for a simulated instant. */
const local = (ms: number) => new Date(ms + EAT_MS).toISOString().slice(11, 16);
/** "58.1 %" → 58.1 */
const percentOf = (s: string | null) => Number(/([\d.]+) %/.exec(s ?? '')?.[1] ?? NaN);

interface Ctx {
  hub: SimHubHandle;
  sim: VillageSim;
  browser: Browser;
  page: Page;
  url: string;
  contract: string;
}
const ctx = {} as Ctx;

const card = (name: string): Locator => ctx.page.getByRole('article', { name });
const SUPPLIER = 'Supplier house supplier';
const REQUESTER = 'Requester house requester';
const soc = (name: string) => card(name).getByRole('meter', { name: 'Battery state of charge' }).getAttribute('aria-valuetext');

async function view(key: string, heading: string): Promise<void> {
  await ctx.page.keyboard.press(key);
  await ctx.page.getByRole('heading', { level: 2, name: heading }).waitFor(WAIT);
}

async function shoot(name: string): Promise<void> {
  const page = ctx.page;
  for (const width of [1200, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 760 : 900 });
    await page.waitForTimeout(150);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(wide) <= width, `${name} at ${width} px is ${String(wide)} px wide`);
    await page.screenshot({ path: `${SHOTS}village-sim-${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

/** Wait until `read()` (something on the page) satisfies `ok`; returns the last reading. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const e2e = suite('dashboard on the virtual village (paper scenario, firmware in the loop)');

e2e.before(async () => {
  let sim: VillageSim | undefined;
  ctx.hub = await startSimHub({
    village: VILLAGE,
    nowMs: () => (sim ? sim.nowMs() : DAY0),
    // the scenario's bus passes 80 %: settlement tolerates that loss (as `simulate` and `start` do)
    lossTolerancePermille: Math.round((1 - scenario.efficiency.link) * 1000) + 50,
    log: process.env.SWARMGRID_TEST_LOG ? (level, message) => console.log(`[hub ${level}] ${message}`) : undefined,
  });
  sim = await VillageSim.create({ scenario, hub: ctx.hub.sim, engine: 'node', strategy: 'paper', dayStartMs: DAY0 });
  ctx.sim = sim;
  await sim.runUntil(at(6));
  ctx.url = `http://127.0.0.1:${ctx.hub.hub.addresses.httpPort}`;
  ctx.browser = await launch();
  ctx.page = await ctx.browser.context.newPage();
  ctx.page.setDefaultTimeout(20_000);
});

e2e.after(async () => {
  await ctx.browser?.close();
  await ctx.sim?.close();
  await ctx.hub?.stop();
});

e2e('Village at 06:00: both houses of the paper scenario with mode, SOC and power', async () => {
  const page = ctx.page;
  await page.goto(`${ctx.url}/#/village`);
  await page.locator('#live').getByText('live', { exact: true }).waitFor(WAIT);
  assert.match((await page.locator('header').first().textContent()) ?? '', VILLAGE);
  await page.getByText(/2 households, 2 online, 0 open faults/).waitFor(WAIT);
  for (const name of [SUPPLIER, REQUESTER]) {
    const c = card(name);
    await c.waitFor(WAIT);
    await c.getByText('online', { exact: true }).waitFor(WAIT);
    const text = (await c.textContent()) ?? '';
    // the morning: nobody trades yet
    assert.match(text, /Autonomous/, `${name}: ${text}`);
    assert.match(text, /PV.*W.*Load.*W.*Bus.*Battery.*V, [\d.]+ A (charging|discharging|idle).*Balance.*units/, `${name}: ${text}`);
    const s = await soc(name);
    assert.match(s ?? '', /^\d{1,3}\.\d %$/);
    assert.match(text, s!);
    assert.ok(percentOf(s) > 30 && percentOf(s) < 90, `${name} SOC ${s}`);
  }
});

e2e('Village: the supplier charges in the sun and turns Prosumer, live, without a reload', async () => {
  const page = ctx.page;
  const before = percentOf(await soc(SUPPLIER));
  await page.evaluate('window.__sameDocument = true');
  await ctx.sim.runUntil(at(12, 50));
  const after = await until(`the supplier's SOC to rise above ${before} %`, async () => percentOf(await soc(SUPPLIER)), (v) => v > before + 10);
  assert.ok(after >= 80, `supplier SOC ${after} % at 12:50`);
  await card(SUPPLIER).getByText('Prosumer').waitFor(WAIT);
  await card(REQUESTER).getByText('Autonomous').waitFor(WAIT);
  // still the same document: nothing reloaded
  assert.is(await page.evaluate('window.__sameDocument'), true);
  // nothing is wrong in the village at 12:50: the page settles on no open faults
  await page.getByText(/2 households, 2 online, 0 open faults/).waitFor(WAIT);
  await shoot('village');
});

e2e('Village: after a reload the header shows the village clock (simulated time)', async () => {
  const page = ctx.page;
  await page.reload();
  await page.locator('#live').getByText('live', { exact: true }).waitFor(WAIT);
  const now = ctx.sim.nowMs();
  const header = await until('the hub time in the header', async () => (await page.locator('#hub-time').textContent()) ?? '', (t) => /hub \d\d:\d\d/.test(t));
  // the page's clock runs on from the hub's time at load: this minute or the next
  assert.ok([local(now), local(now + 60_000)].some((t) => header.includes(`hub ${t}`)), `header "${header}", village at ${local(now)}`);
  await page.getByText(new RegExp(`hub time (${local(now)}|${local(now + 60_000)})`)).waitFor(WAIT);
});

e2e('Market at 12:50: the supplier\'s offer rests in the book', async () => {
  const page = ctx.page;
  await view('2', 'Market');
  const offers = page.getByRole('table', { name: 'Offers (1)' });
  await offers.getByText('Supplier house (supplier)').waitFor(WAIT);
  assert.match((await offers.textContent()) ?? '', /Wh.*2 units\/kWh/);
  await page.getByRole('table', { name: 'Requests (0)' }).waitFor(WAIT);
  await page.getByRole('table', { name: 'Open contracts (0)' }).waitFor(WAIT);
  await shoot('market-book');
});

e2e('Market at 13:10: a contract supplier → requester appears with its window and delivers', async () => {
  const page = ctx.page;
  await ctx.sim.runUntil(at(13, 10));
  const open = page.getByRole('table', { name: 'Open contracts (1)' });
  await open.waitFor(WAIT);
  const text = (await open.textContent()) ?? '';
  assert.match(text, /Supplier house \(supplier\) → Requester house \(requester\)/);
  assert.match(text, /2 units\/kWh/);
  const id = /c-\d+/.exec(text)?.[0];
  assert.ok(id, `a contract id in "${text}"`);
  ctx.contract = id;
  // the paper's exchange hour: a window inside 13:00–14:00 of the village (16:00–17:00 on this browser's clock)
  const window = /(\d\d):(\d\d)–(\d\d):(\d\d)/.exec(text);
  assert.ok(window, `a window in "${text}"`);
  assert.ok(`${window[1]}:${window[2]}` >= local(at(13)) && `${window[3]}:${window[4]}` <= local(at(14)), `window ${window[0]}`);
  await open.getByText('delivering').waitFor(WAIT);
  // the Delivered column: "3.74 Wh of 25.4 Wh" beside a progress bar
  const delivered = await until('energy delivered so far', async () => /([\d.]+) m?Wh of [\d.]+ Wh/.exec(await open.innerText())?.[1] ?? '', (v) => Number(v) > 0);
  assert.ok(Number(delivered) > 0);
  const bar = open.getByRole('progressbar', { name: `energy delivered for ${id}` });
  assert.ok(Number(await bar.getAttribute('aria-valuenow')) > 0);
  await shoot('market-contract');
});

e2e('Market at 14:10: the contract settled with a payment; the requester is a Consumer on Village', async () => {
  const page = ctx.page;
  await ctx.sim.runUntil(at(14, 10));
  const settled = page.getByRole('table', { name: /^Settled \(1/ });
  await settled.getByText(ctx.contract).waitFor(WAIT);
  const row = (await settled.textContent()) ?? '';
  assert.match(row, /Supplier house \(supplier\) → Requester house \(requester\)/);
  assert.match(row, /[\d.]+ Wh \/ [\d.]+ Wh/);
  const paid = /([\d.]+) units?/.exec(row);
  assert.ok(paid && Number(paid[1]) > 0, `a payment in "${row}"`);
  assert.match(row, /settled/);
  assert.not.match(row, /disputed/);
  // The requester may already hold its 14:00 contract; the first is no longer open.
  const open = page.getByRole('table', { name: /^Open contracts/ });
  await open.waitFor(WAIT);
  assert.is(await open.getByText(ctx.contract).count(), 0);
  await shoot('market-settled');
  await view('1', 'Village');
  await card(REQUESTER).getByText('Consumer').waitFor(WAIT);
  await card(SUPPLIER).getByText('Prosumer').waitFor(WAIT);
});

e2e('Market at 15:30: the afternoon\'s contracts all settled, nothing open', async () => {
  const page = ctx.page;
  await ctx.sim.runUntil(at(15, 30));
  await view('2', 'Market');
  await page.getByRole('table', { name: 'Open contracts (0)' }).waitFor(WAIT);
  const settled = page.getByRole('table', { name: /^Settled \(\d+\)$/ });
  await settled.waitFor(WAIT);
  const n = Number(/Settled \((\d+)\)/.exec((await settled.locator('caption').textContent()) ?? '')?.[1] ?? 0);
  assert.ok(n >= 2, `${n} settled`);
  assert.is(await settled.getByText('disputed').count(), 0);
  assert.is(await settled.getByText('Supplier house (supplier) → Requester house (requester)').count(), n);
});

e2e('Ledger: balances moved from the requester to the supplier, "Audit now" verifies the chain', async () => {
  const page = ctx.page;
  await view('4', 'Ledger');
  const balances = page.getByRole('table', { name: 'Account balances' });
  await balances.getByText('Supplier house (supplier)').waitFor(WAIT);
  const text = (await balances.textContent()) ?? '';
  const units = (who: string) => Number(new RegExp(`${who}[^)]*\\)([\\d.]+) units`).exec(text)?.[1] ?? NaN);
  assert.ok(units('Supplier house') > units('Requester house'), `balances: ${text}`);
  assert.is(await page.getByText('✗ invalid').count(), 0);
  assert.match((await page.locator('details.block').first().locator('summary').textContent()) ?? '', /✓ verified/);
  await page.getByRole('button', { name: 'Audit now' }).click();
  await page.getByText(/✓ Ledger verified: \d+ blocks, \d+ transactions, 2 balances, height \d+\./).waitFor(WAIT);
  await shoot('ledger');
});

e2e('Energy: the day so far per household, with KPIs and charts', async () => {
  const page = ctx.page;
  await view('3', 'Energy');
  await page.getByRole('status').filter({ hasText: /2024-04-14: 2 households/ }).waitFor(WAIT);
  for (const name of ['Supplier house (supplier)', 'Requester house (requester)']) await page.getByRole('heading', { level: 3, name }).waitFor(WAIT);
  const body = (await page.locator('main').textContent()) ?? '';
  assert.match(body, /E_shp/);
  assert.match(body, /E_reqp/);
  assert.match(body, /Wasted PV/);
  // the supplier sent and the requester received over the bus today
  assert.match(body, /Supplier house \(supplier\).*sent [1-9][\d.]* k?Wh/);
  assert.match(body, /Requester house \(requester\).*received [1-9][\d.]* k?Wh/);
  assert.ok((await page.locator('.chart canvas').count()) >= 2, 'a chart per household');
  await shoot('energy');
});

e2e.run();
