/**
 * Settlement of a delivery contract from the two meters' figures (pure).
 *
 * The paper pays min(delivered, consumed) (§ payment): the seller's meter
 * reports the energy that left the house for the contract (exportMWh), the
 * buyer's meter the energy that came in (importMWh). Rules, in order:
 *
 *  1. both figures present: basis = min(delivered, consumed, contracted).
 *     Disputed when the two differ by more than the link-loss tolerance:
 *     |delivered − consumed| · 1000 > tolerancePermille · max(delivered, consumed)
 *     (reason "consumed exceeds delivered" or "loss beyond tolerance").
 *  2. one figure missing: basis = min(present figure, contracted), disputed;
 *     the missing side is recorded as equal to the present one and the
 *     reason says which meter did not report.
 *  3. both missing: basis 0, disputed.
 *
 * Money: E mWh at P units/kWh costs E·P/10⁶ units = E·P/1000 milli-units.
 * paidMilliUnits = floor(basis · P / 1000): the sub-milli-unit remainder
 * stays with the buyer (never charge for energy not measured). The buyer's
 * reservation (ceil of the contracted cost) is released whole, so paid never
 * exceeds what was reserved, and units only move buyer → seller: the total
 * is conserved by every settlement.
 */
import type { ContractPart, SettlementBody } from './ledger-index';

export interface SettleInput {
  contractId: string;
  seller: string;
  buyer: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  /** Latest figure from the seller's meter (exportMWh counts), or undefined. */
  sellerPart: ContractPart | undefined;
  /** Latest figure from the buyer's meter (importMWh counts), or undefined. */
  buyerPart: ContractPart | undefined;
  tolerancePermille: number;
}

/** floor(energyMWh × price / 1000) milli-units, exact in integers. */
export function paymentMilliUnits(energyMWh: number, priceUnitsPerKWh: number): number {
  const x = BigInt(energyMWh) * BigInt(priceUnitsPerKWh);
  return Number(x / 1000n);
}

/** The settlement body (without village/signature) for a contract. */
export function settle(i: SettleInput): SettlementBody {
  const d = i.sellerPart?.exportMWh;
  const c = i.buyerPart?.importMWh;
  let delivered: number;
  let consumed: number;
  let basis: number;
  let disputed = false;
  let reason = '';
  if (d !== undefined && c !== undefined) {
    delivered = d;
    consumed = c;
    basis = Math.min(d, c, i.energyMWh);
    const gap = Math.abs(d - c);
    if (gap * 1000 > i.tolerancePermille * Math.max(d, c)) {
      disputed = true;
      reason = c > d ? `consumed exceeds delivered by ${gap} mWh` : `loss of ${gap} mWh beyond the ${i.tolerancePermille}‰ link tolerance`;
    }
  } else if (d !== undefined) {
    delivered = consumed = d;
    basis = Math.min(d, i.energyMWh);
    disputed = true;
    reason = `no report from the buyer's meter: consumed taken as delivered (${d} mWh)`;
  } else if (c !== undefined) {
    delivered = consumed = c;
    basis = Math.min(c, i.energyMWh);
    disputed = true;
    reason = `no report from the seller's meter: delivered taken as consumed (${c} mWh)`;
  } else {
    delivered = consumed = 0;
    basis = 0;
    disputed = true;
    reason = 'no report from either meter: nothing paid';
  }
  return {
    contractId: i.contractId,
    deliveredMWh: delivered,
    consumedMWh: consumed,
    paidMilliUnits: paymentMilliUnits(basis, i.priceUnitsPerKWh),
    payer: i.buyer,
    payee: i.seller,
    disputed,
    reason,
  };
}
