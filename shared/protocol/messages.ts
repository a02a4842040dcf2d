/** The message side of the protocol in one import: kinds, codec, signers, replay guard, body types. */
export * from './kinds';
export * from './codec';
export * from './signer';
export * from './replay';
export type { TelemetryBody, Mode } from './kinds/telemetry';
export type { OrderBody } from './kinds/order';
export type { CancelBody } from './kinds/cancel';
export type { ContractBody, Circuit } from './kinds/contract';
export type { ContractAckBody } from './kinds/contract-ack';
export type { MeterReportBody, MeterContractPart } from './kinds/meter-report';
export type { FaultBody } from './kinds/fault';
export type { TimeBody } from './kinds/time';
export type { PresenceBody } from './kinds/presence';
export { HUB_NODE } from './kinds/presence';
export type { ErrorBody } from './kinds/error';
export type { AckBody } from './kinds/ack';
export type { BookBody, BookEntry } from './kinds/book';
