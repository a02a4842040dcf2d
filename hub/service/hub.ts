/**
 * The village hub: broker (embedded aedes or an external mosquitto), ledger,
 * market, contracts, settlement, time, HTTP API and live events, wired
 * together. `start()` brings everything up (creating keys and genesis on the
 * first start, catching up after a crash), `stop()` takes it down cleanly.
 *
 * Every decision uses the injected clock `nowMs` (the testbed runs the hub
 * on simulated time); real-time timers only pace the housekeeping loop.
 */
import { buildDashboard, mountDashboard } from '../web/build';
import { networkInterfaces } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { MqttClient } from 'mqtt';
import { fail, SwarmError } from '../../shared/errors';
import { ReplayGuard, encode, encodeMessage, inTopic, publicTopic, HUB_NODE, type BookEntry } from '../../shared/protocol';
import { isId } from '../../shared/protocol';
import { sign } from '../../shared/sign';
import { HttpApi } from '../api/http';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded';
import { OpenSslVerifier } from '../crypto/verify';
import { AuditError, Ledger, LevelStore, auditStore, headerHash, ledgerPath, makeGenesis, txHash } from '../ledger';
import type { Block, Envelope, Json, Member, Rules } from '../ledger/types';
import { checkRules as checkLedgerRules } from '../ledger/genesis';
import type { GridRules } from '../market/types';
import { ClockWatch } from '../time/offsets';
import { startSntpServer, type SntpServer } from '../time/sntp-server';
import { registerRoutes, txSigner, txSummary, type BlockRow } from './api';
import type { HubContext } from './context';
import { ContractDesk } from './contracts';
import { EventBus, type HubEventType } from './events';
import { dispatch } from './handlers';
import { loadOrCreateKeys, type HubKeys } from './keys';
import { LedgerIndex } from './ledger-index';
import { MarketDesk } from './market';
import { admitMember, type MemberRequest, type ProvisioningBundle } from './members';
import { PresenceBook } from './presence';
import { BrokerUsers, DASHBOARD_USER, HUB_USER, brokerPolicy } from './registry';
import { HubSigner } from './signer';
import { HubStore } from './store';
import { TelemetryStore } from './telemetry';
import { Transport } from './transport';
import { DEFAULTS, type ContractView, type FaultView, type HubOptions, type Log } from './types';
import { LedgerWriter } from './writer';

export const HUB_VERSION = '0.1.0';


/** Where a running hub can be reached; written to `<data>/hub.json` for the CLI. */
export interface HubAddress {
  pid: number;
  village: string;
  httpPort: number;
  apiUrl: string;
  mqttUrl: string;
  mqttPort: number;
  wsUrl?: string;
  sntpPort: number | null;
  publicHost: string;
}

function firstIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export class Hub {
  private readonly o: HubOptions;
  private readonly now: () => number;
  private readonly log: Log;
  private readonly grid: GridRules;
  private keys!: HubKeys;
  private users!: BrokerUsers;
  private ledgerStore!: LevelStore;
  private ledger!: Ledger;
  private store!: HubStore;
  private writer!: LedgerWriter;
  private index!: LedgerIndex;
  private market!: MarketDesk;
  private contracts!: ContractDesk;
  private ctx!: HubContext;
  private broker: EmbeddedBroker | undefined;
  private transport: Transport | undefined;
  private http: HttpApi | undefined;
  private sntp: SntpServer | undefined;
  private loop: NodeJS.Timeout | undefined;
  private readonly events = new EventBus();
  private readonly telemetry = new TelemetryStore();
  private readonly presence = new PresenceBook();
  private clocks!: ClockWatch;
  private readonly liveFaults = new Map<string, FaultView[]>();
  private hubSeq = 0;
  private adminSeq = 0;
  private timeSeq = 0;
  private nextTimeMs = 0;
  private bookSeq = 0;
  private bookTimer: NodeJS.Timeout | undefined;
  private startedMs = 0;
  private running = false;
  private ticking: Promise<void> | null = null;
  private inflight = new Set<Promise<void>>();
  private readonly lanes = new Map<string, Promise<void>>();
  private address: HubAddress | undefined;

  constructor(options: HubOptions) {
    if (!isId(options.village)) fail('E_HUB_CONFIG', `village ${JSON.stringify(options.village)} is not an id`);
    this.o = options;
    this.now = options.nowMs ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.grid = options.grid ?? DEFAULTS.grid;
  }

  /** Hub clock. */
  nowMs(): number {
    return this.now();
  }

  /** Addresses of the running hub's listeners. */
  get addresses(): HubAddress {
    if (!this.address) fail('E_HUB_STATE', 'the hub is not running');
    return this.address;
  }

  get hubPublicKey(): string {
    return this.keys.hubPublicKey;
  }

  get adminToken(): string {
    return this.o.adminToken ?? this.keys.adminToken;
  }

  /** Credentials of the read-only dashboard MQTT user. */
  get dashboardCredentials(): { username: string; password: string } {
    return { username: DASHBOARD_USER, password: this.keys.dashboardMqttPassword };
  }

  async start(): Promise<void> {
    if (this.running) return;
    const o = this.o;
    this.keys = loadOrCreateKeys(o.dataDir);
    // One OpenSSL signer for blocks, contracts and village time.
    this.signer = new HubSigner(this.keys.hubSecretKey);
    this.clocks = new ClockWatch(o.driftBoundMs ?? DEFAULTS.driftBoundMs);
    this.users = new BrokerUsers(o.dataDir);
    this.ensureUser(HUB_USER, this.keys.hubMqttPassword, 'hub');
    this.ensureUser(DASHBOARD_USER, this.keys.dashboardMqttPassword, 'dashboard');

    await this.openLedger();
    // Not fsynced: everything in it is derived from the (fsynced) ledger or
    // harmless to lose in a power cut (see store.ts); a killed process loses nothing.
    this.store = new HubStore(join(o.dataDir, 'hub'), { sync: false });
    await this.store.open();
    this.index = new LedgerIndex(this.store);
    await this.index.load();
    const caught = await this.index.catchUp(this.ledgerStore);
    if (caught) this.log('info', `index caught up ${caught} blocks`);
    this.writer = new LedgerWriter(this.ledger, (b) => this.onBlock(b));

    const entries = this.ledger.stateEntries();
    const nodeSeq = new ReplayGuard(entries.filter(([k]) => k.startsWith('nseq/')).map(([k, v]) => [`nseq:${k.slice(5)}`, v as number] as const));
    const sseq = (pub: string) => (entries.find(([k]) => k === `sseq/${pub}`)?.[1] as number | undefined) ?? 0;
    this.hubSeq = sseq(this.keys.hubPublicKey);
    this.adminSeq = sseq(this.keys.adminPublicKey);
    const rg: Array<[string, number]> = [];
    for await (const [k, v] of this.store.entries<number>('rg/')) rg.push([k.slice(3), v]);

    this.market = new MarketDesk(this.ledger, this.grid, this.log, o.market ?? {});
    this.contracts = new ContractDesk();
    const signer = this.signer;
    this.ctx = {
      village: o.village,
      now: this.now,
      keys: this.keys,
      ledger: this.ledger,
      ledgerStore: this.ledgerStore,
      writer: this.writer,
      index: this.index,
      store: this.store,
      market: this.market,
      contracts: this.contracts,
      telemetry: this.telemetry,
      presence: this.presence,
      clocks: this.clocks,
      events: this.events,
      verifier: this.verifier,
      signer,
      replay: new ReplayGuard(rg),
      nodeSeq,
      liveFaults: this.liveFaults,
      send: (topic, payload, qos, retain) => this.send(topic, payload, qos, retain),
      refuse: (node, code, ref, message) => this.refuse(node, code, ref, message),
      nextHubSeq: () => ++this.hubSeq,
      bookChanged: () => this.bookChanged(),
      log: this.log,
      lossTolerancePermille: o.lossTolerancePermille ?? DEFAULTS.lossTolerancePermille,
      settlementGraceMs: o.settlementGraceMs ?? DEFAULTS.settlementGraceMs,
      contractResendMs: o.contractResendMs ?? DEFAULTS.contractResendMs,
    };
    await this.contracts.init(this.ctx);
    const restored = this.market.rebuild(this.index, await this.contracts.tradeRecords(), this.now());

    await this.startMqtt();
    this.startedMs = this.now();
    this.running = true;
    await this.startHttp();
    const sntpPort = o.sntpPort === undefined ? null : o.sntpPort;
    if (sntpPort !== null) this.sntp = await startSntpServer({ port: sntpPort, host: o.mqtt.mode === 'embedded' ? o.mqtt.host : undefined, nowMs: this.now });
    this.writeAddress();
    await this.contracts.issue(restored);
    this.bookChanged();
    await this.tick();
    const loopMs = o.loopMs ?? DEFAULTS.loopMs;
    if (loopMs > 0) {
      this.loop = setInterval(() => void this.tick(), loopMs);
      this.loop.unref();
    }
    this.events.emit('status', this.status());
    this.log('info', `hub of ${o.village} up: API ${this.address!.apiUrl}, MQTT ${this.address!.mqttUrl}`);
  }

  private ensureUser(name: string, password: string, role: 'hub' | 'dashboard'): void {
    const u = this.users.get(name);
    if (u && u.role === role && this.users.identify(this.o.village, name, new TextEncoder().encode(password))) return;
    this.users.set(name, password, role);
  }

  /** One verifier (and KeyObject cache) for the ledger and the message handlers. */
  private readonly verifier = new OpenSslVerifier();
  private signer!: HubSigner;

  private async openLedger(): Promise<void> {
    const o = this.o;
    const verifier = this.verifier;
    // Blocks are sealed by OpenSSL (~0.35 ms a header against ~2 ms in pure JS).
    const signer = this.signer;
    const open = async (genesis?: Envelope<import('../ledger/types').GenesisBody>) => {
      this.ledgerStore = new LevelStore(ledgerPath(o.dataDir), { sync: o.sync ?? true });
      return Ledger.open({ store: this.ledgerStore, clock: this.now, hubSecretKey: this.keys.hubSecretKey, signer, verifier, parallelVerify: o.parallelVerify ?? true }, genesis);
    };
    try {
      this.ledger = await open();
    } catch (err) {
      if (!(err instanceof SwarmError) || err.code !== 'E_LEDGER_GENESIS' || !/no ledger/.test(err.message)) throw err;
      const rules: Rules = checkLedgerRules({ ...DEFAULTS.rules, settlementGraceMs: o.settlementGraceMs ?? DEFAULTS.settlementGraceMs, ...(o.rules ?? {}) });
      const genesis = makeGenesis({ village: o.village, hubKey: this.keys.hubPublicKey, admins: [this.keys.adminPublicKey], rules, timeMs: this.now() }, this.keys.adminSecretKey);
      this.ledger = await open(genesis);
      this.log('info', `genesis of ${o.village} written`);
    }
    if (this.ledger.genesis.body.village !== o.village) {
      const v = this.ledger.genesis.body.village;
      await this.ledger.close();
      fail('E_HUB_CONFIG', `the data directory holds the ledger of village ${v}, not ${o.village}`);
    }
  }

  private async startMqtt(): Promise<void> {
    const o = this.o;
    const m = o.mqtt;
    let url: string;
    let username = HUB_USER;
    let password = this.keys.hubMqttPassword;
    if (m.mode === 'embedded') {
      this.broker = await startEmbeddedBroker({
        host: m.host,
        port: m.port,
        wsPort: m.wsPort === null ? undefined : m.wsPort,
        policy: brokerPolicy(o.village, this.users),
        maxPayloadBytes: 16 * 1024,
        onRefused: (r) => this.log('warn', `broker refused ${r.clientId}: ${r.reason}${r.topic ? ` on ${r.topic}` : ''}`),
      });
      const host = !m.host || m.host === '0.0.0.0' ? '127.0.0.1' : m.host;
      url = `mqtt://${host}:${this.broker.port}`;
    } else {
      url = m.url;
      if (m.username) username = m.username;
      if (m.password) password = m.password;
    }
    const will = { topic: publicTopic(o.village, 'presence'), payload: encode('presence', { node: HUB_NODE, online: false, atMs: this.now() }), qos: 1 as const, retain: true };
    this.transport = await Transport.connect({ url, username, password, clientId: `swarmgrid-hub-${o.village}`, will });
    this.transport.onMessage((topic, payload) => {
      // One node's messages are handled in arrival order (its seqs must be
      // taken in order); different nodes' messages proceed in parallel.
      const node = topic.split('/', 4)[3] ?? '';
      const prev = this.lanes.get(node);
      const run = () => dispatch(this.ctx, this.grid, topic, payload).catch((err) => this.log('error', `dispatch: ${(err as Error).stack}`));
      const p = prev ? prev.then(run) : run();
      this.lanes.set(node, p);
      this.inflight.add(p);
      void p.finally(() => {
        this.inflight.delete(p);
        if (this.lanes.get(node) === p) this.lanes.delete(node);
      });
    });
    await this.transport.subscribe([`swarmgrid/v1/${o.village}/+/+`], 1);
    await this.send(publicTopic(o.village, 'presence'), encode('presence', { node: HUB_NODE, online: true, atMs: this.now() }), 1, true);
    const publicHost = o.publicHost ?? firstIPv4();
    const mqttPort = this.broker?.port ?? Number(new URL(url).port || 1883);
    this.address = {
      pid: process.pid,
      village: o.village,
      httpPort: 0,
      apiUrl: '',
      mqttUrl: this.broker ? `mqtt://${publicHost}:${this.broker.port}` : url,
      mqttPort,
      wsUrl: this.broker?.wsPort !== undefined ? `ws://${publicHost}:${this.broker.wsPort}` : m.mode === 'external' ? m.wsUrl : undefined,
      sntpPort: null,
      publicHost,
    };
  }

  private async startHttp(): Promise<void> {
    const o = this.o;
    this.http = new HttpApi({ host: o.httpHost, port: o.httpPort, adminToken: this.adminToken });
    registerRoutes(this.http, this, o.webDir);
    // Without a prebuilt folder the dashboard is bundled in memory at start
    // (esbuild, ~0.3 s): every asset ships with the package, nothing external.
    if (o.webDir === undefined) mountDashboard(this.http, await buildDashboard());
    const port = await this.http.listen();
    this.address!.httpPort = port;
    this.address!.apiUrl = `http://${this.address!.publicHost}:${port}`;
  }

  private writeAddress(): void {
    this.address!.sntpPort = this.sntp?.port ?? null;
    writeFileSync(join(this.o.dataDir, 'hub.json'), JSON.stringify(this.address, null, 2) + '\n');
  }

  /** Stop listeners, flush the ledger, close the stores. Idempotent. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.loop) clearInterval(this.loop);
    if (this.bookTimer) clearTimeout(this.bookTimer);
    await this.ticking;
    await Promise.allSettled([...this.inflight]);
    await this.writer.settled();
    if (this.transport) {
      await this.transport.close({ topic: publicTopic(this.o.village, 'presence'), payload: encode('presence', { node: HUB_NODE, online: false, atMs: this.now() }), retain: true }).catch(() => undefined);
    }
    this.events.close();
    await this.http?.close();
    await this.sntp?.close();
    await this.broker?.close();
    await this.store.close();
    await this.ledger.close();
  }

  /** Housekeeping on the hub clock: resend and settle contracts, publish the time. Serialized. */
  tick(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        await this.contracts.tick();
        const now = this.now();
        const expired = this.market.tick(now);
        if (expired.removed.length) this.bookChanged();
        if (expired.trades.length) await this.contracts.issue(expired.trades);
        if (now >= this.nextTimeMs) {
          this.nextTimeMs = now + (this.o.timePublishMs ?? DEFAULTS.timePublishMs);
          await this.publishTime(now);
          // Live pages follow the village clock (countdowns, "hub time"),
          // also when the testbed runs it faster than real time.
          this.events.emit('status', this.status());
        }
      } catch (err) {
        this.log('error', `tick: ${(err as Error).stack}`);
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /** Wait until every message received so far has been handled and recorded. */
  async idle(): Promise<void> {
    for (let i = 0; i < 50 && (this.inflight.size > 0 || this.ticking); i++) {
      await Promise.allSettled([...this.inflight]);
      await this.ticking;
    }
    await this.writer.settled();
  }

  /**
   * Signed village time (public/time, retained). seq = max(last + 1, atMs):
   * strictly increasing without persisting it, as long as the clock is.
   */
  private async publishTime(now: number): Promise<void> {
    this.timeSeq = Math.max(this.timeSeq + 1, now);
    const body = { village: this.o.village, seq: this.timeSeq, atMs: now };
    const payload = encodeMessage({ v: 1, kind: 'time', body, sig: this.ctx.signer.sign('time', body) });
    await this.send(publicTopic(this.o.village, 'time'), payload, 0, true);
  }

  private async send(topic: string, payload: Uint8Array, qos: 0 | 1, retain = false): Promise<void> {
    if (!this.transport) return;
    await this.transport.publish(topic, payload, qos, retain);
  }

  private refuse(node: string | null, code: string, ref: string | undefined, message: string): void {
    this.log('warn', `refused${node ? ` from ${node}` : ''}: ${code} ${message}`);
    if (!node) return;
    try {
      const body = ref === undefined ? { code, atMs: this.now() } : { code, ref: ref.slice(0, 64), atMs: this.now() };
      void this.send(inTopic(this.o.village, node, 'error'), encode('error', body), 1);
    } catch (err) {
      this.log('error', `cannot send error to ${node}: ${(err as Error).message}`);
    }
  }

  private async onBlock(block: Block): Promise<void> {
    if (block.txs.some((t) => t.kind === 'admission')) this.memberCache = undefined;
    await this.index.absorb(block);
    const h = block.header;
    this.events.emit('block', { height: h.height, hash: headerHash(h), prev: h.prev, timeMs: h.timeMs, txCount: h.txCount, stateHash: h.stateHash, sigValid: true });
  }

  private bookChanged(): void {
    if (this.bookTimer || !this.running) return;
    this.bookTimer = setTimeout(() => {
      this.bookTimer = undefined;
      void this.publishBook();
    }, 50);
    this.bookTimer.unref();
  }

  private async publishBook(): Promise<void> {
    if (!this.running) return;
    const now = this.now();
    const entry = (o: { id: string; node: string; remainingMWh: number; priceUnitsPerKWh: number; fromMs: number; toMs: number }): BookEntry => ({ id: o.id, node: o.node, energyMWh: o.remainingMWh, priceUnitsPerKWh: o.priceUnitsPerKWh, fromMs: o.fromMs, toMs: o.toMs });
    const b = this.market.book();
    this.bookSeq = Math.max(this.bookSeq + 1, now);
    const body = { village: this.o.village, seq: this.bookSeq, atMs: now, offers: b.offers.slice(0, 100).map(entry), requests: b.requests.slice(0, 100).map(entry) };
    await this.send(publicTopic(this.o.village, 'book'), encode('book', body), 0, true);
    this.events.emit('book', this.book());
  }

  // ---- API ----------------------------------------------------------------

  private memberCache: Member[] | undefined;

  /** Members in household order (cached until the next admission block). */
  private members(): Member[] {
    this.memberCache ??= this.ledger.stateEntries().filter(([k]) => k.startsWith('mem/')).map(([, v]) => v as unknown as Member);
    return this.memberCache;
  }

  status(): Record<string, unknown> {
    const a = this.address;
    const m = this.o.mqtt;
    return {
      village: this.o.village,
      hubKey: this.keys.hubPublicKey,
      nowMs: this.now(),
      startedMs: this.startedMs,
      mqtt: { mode: m.mode, url: a?.mqttUrl ?? '', ...(a?.wsUrl ? { wsUrl: a.wsUrl } : {}), connected: this.transport?.connected ?? false, dashboard: this.dashboardCredentials },
      households: this.members().length,
      height: this.ledger.head.height,
      version: HUB_VERSION,
    };
  }

  private householdRow(m: Member): Record<string, unknown> {
    const p = this.presence.get(m.household);
    const t = this.telemetry.latest(m.household);
    const acct = this.ledger.account(m.household);
    const c = this.clocks.get(m.household);
    return {
      id: m.household,
      name: m.name,
      nodeKey: m.nodeKey,
      meter: m.meter,
      online: p?.online ?? false,
      lastSeenMs: p?.lastSeenMs ?? null,
      offlineSinceMs: p?.offlineSinceMs ?? null,
      telemetry: t
        ? { socPermille: t.socPermille, batteryMV: t.batteryMV, batteryMA: t.batteryMA, pvPowerMW: t.pvPowerMW, loadPowerMW: t.loadPowerMW, busPowerMW: t.busPowerMW, relays: { ...t.relays }, atMs: t.atMs }
        : null,
      mode: t?.mode ?? null,
      faults: this.faultsOf(m.household).map((f) => ({ code: f.code, atMs: f.atMs, detail: f.detail })),
      balanceMilliUnits: acct?.balanceMilliUnits ?? 0,
      reservedMilliUnits: acct?.reservedMilliUnits ?? 0,
      clock: c ? { offsetMs: c.offsetMs, drifting: c.drifting } : null,
    };
  }

  /**
   * What a simulation on the hub's clock must watch to know that nothing is
   * in flight: the embedded broker, the hub's own MQTT client and whether a
   * debounced order-book publish is pending. Null unless the broker is
   * embedded and the hub is connected.
   */
  simulationView(): { aedes: EmbeddedBroker['aedes']; client: MqttClient; bookPending: () => boolean } | null {
    if (!this.broker || !this.transport) return null;
    return { aedes: this.broker.aedes, client: this.transport.mqttClient, bookPending: () => this.bookTimer !== undefined };
  }

  households(): Array<Record<string, unknown>> {
    return this.members().map((m) => this.householdRow(m));
  }

  household(id: string): Record<string, unknown> | undefined {
    const m = this.ledger.member(id);
    if (!m) return undefined;
    return { ...this.householdRow(m), history: this.telemetry.history(id) };
  }

  book(): { offers: unknown[]; requests: unknown[] } {
    // energyMWh is the order as signed (the ledger's record); a rebuilt book re-books only what is left.
    const row = (o: { id: string; node: string; energyMWh: number; remainingMWh: number; priceUnitsPerKWh: number; fromMs: number; toMs: number }) => ({ id: o.id, node: o.node, energyMWh: this.ledger.order(o.id)?.energyMWh ?? o.energyMWh, remainingMWh: o.remainingMWh, priceUnitsPerKWh: o.priceUnitsPerKWh, fromMs: o.fromMs, toMs: o.toMs });
    const b = this.market.book();
    return { offers: b.offers.map(row), requests: b.requests.map(row) };
  }

  contractViews(state: 'open' | 'settled' | 'all' = 'all'): ContractView[] {
    const out: ContractView[] = [];
    for (const c of this.index.contracts.values()) {
      if (state === 'open' && c.settlement) continue;
      if (state === 'settled' && !c.settlement) continue;
      out.push(this.contracts.view(c.env.body.id)!);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  contract(id: string): ContractView | null {
    return this.contracts.view(id);
  }

  async blocks(from: number | undefined, limit: number): Promise<BlockRow[]> {
    const head = this.ledger.head.height;
    const heights: number[] = [];
    if (from === undefined) for (let h = head; h >= 1 && heights.length < limit; h--) heights.push(h);
    else for (let h = from; h <= head && heights.length < limit; h++) heights.push(h);
    const hubKey = this.keys.hubPublicKey;
    const out: BlockRow[] = [];
    for (const h of heights) {
      const b = await this.ledgerStore.readBlock(h);
      if (!b) continue;
      const verify = (d: string, body: unknown, sig: string, key: string) => {
        try {
          return key !== '' && this.ctx.verifier.verify(d, body, sig, key);
        } catch {
          return false;
        }
      };
      out.push({
        height: h,
        hash: headerHash(b.header),
        prev: b.header.prev,
        timeMs: b.header.timeMs,
        txCount: b.header.txCount,
        stateHash: b.header.stateHash,
        sigValid: verify('block', b.header, b.sig, hubKey),
        txs: b.txs.map((tx) => {
          const signer = txSigner(tx, hubKey, (x) => this.ledger.member(x));
          return { kind: tx.kind, signer, hash: txHash(tx), sigValid: verify(tx.kind, tx.body, tx.sig, signer), summary: txSummary(tx) };
        }),
      });
    }
    return out;
  }

  balances(): Array<{ household: string; balanceMilliUnits: number; reservedMilliUnits: number }> {
    return [...this.ledger.accounts()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([household, a]) => ({ household, balanceMilliUnits: a.balanceMilliUnits, reservedMilliUnits: a.reservedMilliUnits }));
  }

  /** The same audit as `swarmgrid ledger audit`, run on the live store between appends. */
  async audit(): Promise<Record<string, unknown>> {
    return this.writer.exclusive(async () => {
      try {
        const r = await auditStore(this.ledgerStore, new OpenSslVerifier());
        return { ok: true, height: r.height, blocks: r.height, txs: r.txs, balances: this.ledger.accounts().size, totalMilliUnits: r.totalMilliUnits };
      } catch (err) {
        if (err instanceof AuditError) return { ok: false, code: err.code, message: err.message, height: err.height, index: err.txIndex };
        throw err;
      }
    });
  }

  energy(day: string): Record<string, unknown> {
    const households: Record<string, unknown> = {};
    for (const m of this.members()) {
      const d = this.telemetry.day(m.household, day);
      if (d) households[m.household] = d;
    }
    return { day, households };
  }

  private faultsOf(node: string): FaultView[] {
    const now = this.now();
    const out: FaultView[] = [];
    for (const f of this.index.faults.values()) if (f.node === node && now - f.atMs < 24 * 3_600_000) out.push({ node, code: f.code, atMs: f.atMs, detail: f.detail });
    for (const f of [...(this.liveFaults.get(node) ?? []), ...(this.liveFaults.get(`${node}/meter`) ?? [])]) if (!out.some((x) => x.code === f.code)) out.push(f);
    const c = this.clocks.get(node);
    if (c?.drifting) out.push({ node, code: 'E_HUB_CLOCK_DRIFT', atMs: c.seenMs, detail: `clock off by ${c.offsetMs} ms` });
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  faults(): FaultView[] {
    return this.members().flatMap((m) => this.faultsOf(m.household));
  }

  /** Admit a household (API and tests); returns its provisioning bundle. */
  async addMember(req: MemberRequest): Promise<ProvisioningBundle> {
    if (!this.running) fail('E_HUB_STATE', 'the hub is not running');
    const bundle = await admitMember(
      {
        village: this.o.village,
        now: this.now,
        adminSecretKey: this.keys.adminSecretKey,
        hubPublicKey: this.keys.hubPublicKey,
        nextAdminSeq: () => ++this.adminSeq,
        isMember: (h) => !!this.ledger.member(h),
        submit: (env) => this.writer.submit(env),
        users: this.users,
        hubAddress: this.address!.publicHost,
        brokerPort: this.address!.mqttPort,
      },
      req,
    );
    this.events.emit('status', this.status());
    await this.contracts.issue(this.market.funds(bundle.household, this.now()).trades);
    return bundle;
  }

  rules(): Rules {
    return this.ledger.rules();
  }

  /** Admin-signed rule change (price band, endowment); the market is rebuilt under the new band. */
  async changeRules(input: unknown): Promise<Rules> {
    const r = (input ?? {}) as Record<string, unknown>;
    if (typeof r !== 'object' || Array.isArray(r)) fail('E_HUB_QUERY', 'rules must be an object');
    const change: Record<string, Json> = {};
    for (const k of Object.keys(r)) {
      if (k !== 'priceBand' && k !== 'endowmentMilliUnits') fail('E_HUB_QUERY', `rule ${k} cannot be changed here (priceBand, endowmentMilliUnits)`);
      change[k] = r[k] as Json;
    }
    checkLedgerRules({ ...this.ledger.rules(), ...change });
    const body = { village: this.o.village, by: this.keys.adminPublicKey, seq: ++this.adminSeq, atMs: this.now(), rules: change };
    const o = await this.writer.submit({ v: 1, kind: 'rule-change', body, sig: sign('rule-change', body, this.keys.adminSecretKey) });
    if (o.status !== 'applied') fail('E_LEDGER_FORMAT', o.status === 'rejected' ? o.message : 'rule change not applied');
    const trades = this.market.rebuild(this.index, await this.contracts.tradeRecords(), this.now());
    await this.contracts.issue(trades);
    this.bookChanged();
    this.events.emit('status', this.status());
    return this.ledger.rules();
  }

  attachEvents(res: ServerResponse): void {
    const hello: Array<[HubEventType, unknown]> = [['status', this.status()]];
    this.events.attach(res, hello);
  }

  /** Subscribe to the hub's events in-process (tests, the testbed). */
  onEvent(listener: (type: HubEventType, data: unknown) => void): () => void {
    return this.events.on(listener);
  }

  /** Test hook: the hub's context. */
  get context(): HubContext {
    return this.ctx;
  }
}

/** Read `<data>/hub.json` of a hub that is (or was) running, if any. */
export function readHubAddress(dataDir: string): HubAddress | undefined {
  const f = join(dataDir, 'hub.json');
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as HubAddress;
  } catch {
    return undefined;
  }
}
