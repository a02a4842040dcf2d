/** The table of message kinds: body types, specs, and which kinds are signed. */
import { ack, type AckBody } from './kinds/ack';
import { book, type BookBody } from './kinds/book';
import { cancel, type CancelBody } from './kinds/cancel';
import { contract, type ContractBody } from './kinds/contract';
import { contractAck, type ContractAckBody } from './kinds/contract-ack';
import { error, type ErrorBody } from './kinds/error';
import { fault, type FaultBody } from './kinds/fault';
import { meterReport, type MeterReportBody } from './kinds/meter-report';
import { offer, request, type OrderBody } from './kinds/order';
import { presence, type PresenceBody } from './kinds/presence';
import { telemetry, type TelemetryBody } from './kinds/telemetry';
import { time, type TimeBody } from './kinds/time';
import type { KindSpec } from './spec';
import type { Topic } from './topics';

/** Body type of every message kind. */
export interface Bodies {
  telemetry: TelemetryBody;
  offer: OrderBody;
  request: OrderBody;
  cancel: CancelBody;
  'contract-ack': ContractAckBody;
  'meter-report': MeterReportBody;
  fault: FaultBody;
  presence: PresenceBody;
  contract: ContractBody;
  error: ErrorBody;
  ack: AckBody;
  time: TimeBody;
  book: BookBody;
}

export type Kind = keyof Bodies;

/** Kinds whose envelope carries `sig` (the signing domain is the kind). */
export type SignedKind = 'offer' | 'request' | 'cancel' | 'contract-ack' | 'meter-report' | 'fault' | 'contract' | 'time';
export type UnsignedKind = Exclude<Kind, SignedKind>;

/** The envelope `{ v: 1, kind, body, sig? }`, typed by kind. */
export type Message<K extends Kind = Kind> = K extends SignedKind
  ? { v: 1; kind: K; body: Bodies[K]; sig: string }
  : K extends Kind
    ? { v: 1; kind: K; body: Bodies[K] }
    : never;

/** Every kind's spec. */
export const SPECS: { readonly [K in Kind]: KindSpec<Bodies[K]> } = {
  telemetry,
  offer,
  request,
  cancel,
  'contract-ack': contractAck,
  'meter-report': meterReport,
  fault,
  presence,
  contract,
  error,
  ack,
  time,
  book,
};

/** All kinds, in table order. */
export const KINDS = Object.keys(SPECS) as Kind[];

/** True for a known kind name. */
export function isKind(s: unknown): s is Kind {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(SPECS, s);
}

/** The message kind a topic carries (public/contracts carries `contract`). */
export function kindOnTopic(t: Topic): Kind {
  return t.scope === 'public' && t.kind === 'contracts' ? 'contract' : (t.kind as Kind);
}

/** The largest payload any kind accepts. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
