/** contract-ack (node → hub, signed by the node): the node took (or refused) a contract. */
import { bool, code, int, ms, nodeId, object, present, ref } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

export interface ContractAckBody {
  node: string;
  seq: number;
  contractId: string;
  /** The contract's own seq, so the hub can match the ack without a lookup. */
  contractSeq: number;
  accepted: boolean;
  /** Stable code saying why a contract was refused (or accepted with a remark). */
  reason?: string;
  atMs: number;
}

export const contractAck: KindSpec<ContractAckBody> = {
  kind: 'contract-ack',
  signed: true,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['node', 'seq', 'contractId', 'contractSeq', 'accepted', 'atMs'], ['reason']);
    const b: ContractAckBody = {
      node: nodeId(o, 'node', path),
      seq: int(o, 'seq', path, 1),
      contractId: ref(o, 'contractId', path),
      contractSeq: int(o, 'contractSeq', path, 1),
      accepted: bool(o, 'accepted', path),
      atMs: ms(o, 'atMs', path),
    };
    if (present(o, 'reason')) b.reason = code(o, 'reason', path);
    return b;
  },
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};
