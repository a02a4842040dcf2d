/**
 * What the message handlers, the contract desk and the API routes share:
 * the hub's parts, wired once by Hub.start (STYLE rule 2: wire in one place).
 */
import type { ReplayGuard } from '../../shared/protocol';
import type { OpenSslVerifier } from '../crypto/verify';
import type { Ledger, LevelStore } from '../ledger';
import type { ClockWatch } from '../time/offsets';
import type { ContractDesk } from './contracts';
import type { EventBus } from './events';
import type { HubKeys } from './keys';
import type { LedgerIndex } from './ledger-index';
import type { MarketDesk } from './market';
import type { PresenceBook } from './presence';
import type { HubSigner } from './signer';
import type { HubStore } from './store';
import type { TelemetryStore } from './telemetry';
import type { LedgerWriter } from './writer';
import type { FaultView, Log } from './types';

export interface HubContext {
  readonly village: string;
  now(): number;
  readonly keys: HubKeys;
  readonly ledger: Ledger;
  readonly ledgerStore: LevelStore;
  readonly writer: LedgerWriter;
  readonly index: LedgerIndex;
  readonly store: HubStore;
  readonly market: MarketDesk;
  readonly contracts: ContractDesk;
  readonly telemetry: TelemetryStore;
  readonly presence: PresenceBook;
  readonly clocks: ClockWatch;
  readonly events: EventBus;
  readonly verifier: OpenSslVerifier;
  readonly signer: HubSigner;
  /** Persisted replay windows of kinds the ledger does not sequence (contract-ack, fault). */
  readonly replay: ReplayGuard;
  /** Mirror of the ledger's per-node order seq (offer, request and cancel share one counter). */
  readonly nodeSeq: ReplayGuard;
  /** Faults reported in meter reports and telemetry (not on the ledger), by node. */
  readonly liveFaults: Map<string, FaultView[]>;
  /** Publish on MQTT. */
  send(topic: string, payload: Uint8Array, qos: 0 | 1, retain?: boolean): Promise<void>;
  /** Refuse a message: log its code and tell the sender on `in/error` when it is known. */
  refuse(node: string | null, code: string, ref: string | undefined, message: string): void;
  /** Next seq of a hub-signed ledger tx that carries `by` + `seq` (faults). */
  nextHubSeq(): number;
  /** The book changed: publish it (throttled). */
  bookChanged(): void;
  readonly log: Log;
  /** Link-loss tolerance for settlement, ‰. */
  readonly lossTolerancePermille: number;
  readonly settlementGraceMs: number;
  readonly contractResendMs: number;
}
