/**
 * meter-report (meter → hub, signed by the meter's key; contracts.md). The
 * meter publishes on its household's node topic (`<node>/meter-report`);
 * the hub stores reports idempotently by (meter, seq) and answers with an
 * `ack` so the meter may drop the report from its buffer.
 */
import { bad, bool, codeItem, id, int, list, ms, nodeId, object, ref } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

export interface MeterContractPart {
  id: string;
  exportMWh: number;
  importMWh: number;
  fromMs: number;
  toMs: number;
  /** True in the last report for this contract. */
  final: boolean;
}

export interface MeterReportBody {
  meter: string;
  /** The household. */
  node: string;
  seq: number;
  atMs: number;
  /** exportMWh left the house to the bus; importMWh came from the bus. */
  lifetime: { exportMWh: number; importMWh: number };
  contract: MeterContractPart | null;
  faults: string[];
}

function readPart(v: unknown, path: string): MeterContractPart {
  const o = object(v, path, ['id', 'exportMWh', 'importMWh', 'fromMs', 'toMs', 'final']);
  const p: MeterContractPart = {
    id: ref(o, 'id', path),
    exportMWh: int(o, 'exportMWh', path, 0),
    importMWh: int(o, 'importMWh', path, 0),
    fromMs: ms(o, 'fromMs', path),
    toMs: ms(o, 'toMs', path),
    final: bool(o, 'final', path),
  };
  if (p.toMs < p.fromMs) bad(`${path}.toMs`, 'must not be before fromMs');
  return p;
}

export const meterReport: KindSpec<MeterReportBody> = {
  kind: 'meter-report',
  signed: true,
  maxBytes: 4 * KIB,
  read(v, path) {
    const o = object(v, path, ['meter', 'node', 'seq', 'atMs', 'lifetime', 'contract', 'faults']);
    const l = object(o.lifetime, `${path}.lifetime`, ['exportMWh', 'importMWh']);
    return {
      meter: id(o, 'meter', path),
      node: nodeId(o, 'node', path),
      seq: int(o, 'seq', path, 1),
      atMs: ms(o, 'atMs', path),
      lifetime: { exportMWh: int(l, 'exportMWh', `${path}.lifetime`, 0), importMWh: int(l, 'importMWh', `${path}.lifetime`, 0) },
      contract: o.contract === null ? null : readPart(o.contract, `${path}.contract`),
      faults: list(o, 'faults', path, 32, codeItem),
    };
  },
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};
