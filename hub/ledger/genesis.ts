/**
 * Genesis: the village id, the hub's key, the admins' keys and the rules,
 * signed (domain "genesis") by an admin or by the hub. Its hash starts the
 * chain (block 1's `prev`) and the state-hash chain.
 */
import { sign } from '../../shared/sign';
import { fail } from '../../shared/errors';
import { ID, PUB, int, record, str } from './check';
import type { Envelope, GenesisBody, Json, Rules } from './types';

/** Verifies one signature (shared/sign.verify or OpenSslVerifier.verify). */
export type VerifyFn = (domain: string, body: unknown, signatureHex: string, publicKeyHex: string) => boolean;

/** Rules checked field by field (E_LEDGER_FORMAT names the field). */
export function checkRules(value: unknown): Rules {
  const r = record(value, 'rules');
  const band = record(r.priceBand, 'rules.priceBand');
  const min = int(band, 'minPriceUnitsPerKWh', 0);
  const max = int(band, 'maxPriceUnitsPerKWh', 0);
  if (max < min) fail('E_LEDGER_FORMAT', 'rules.priceBand: maxPriceUnitsPerKWh < minPriceUnitsPerKWh');
  const payment = r.payment;
  if (payment !== 'prepaid' && payment !== 'postpaid') fail('E_LEDGER_FORMAT', 'rules.payment must be "prepaid" or "postpaid"');
  return {
    endowmentMilliUnits: int(r, 'endowmentMilliUnits', 0),
    priceBand: { minPriceUnitsPerKWh: min, maxPriceUnitsPerKWh: max },
    creditLimitMilliUnits: int(r, 'creditLimitMilliUnits', 0),
    settlementGraceMs: int(r, 'settlementGraceMs', 0),
    payment,
  };
}

/** The genesis body checked (E_LEDGER_FORMAT on the first bad field). */
export function checkGenesisBody(value: unknown): GenesisBody {
  const b = record(value, 'genesis body');
  const admins = b.admins;
  if (!Array.isArray(admins) || admins.length === 0 || admins.some((a) => typeof a !== 'string' || !PUB.test(a))) {
    fail('E_LEDGER_FORMAT', 'admins must be a non-empty list of compressed public keys (lowercase hex)');
  }
  return {
    village: str(b, 'village', ID),
    hubKey: str(b, 'hubKey', PUB),
    admins: admins as string[],
    rules: checkRules(b.rules),
    timeMs: int(b, 'timeMs', 0),
  };
}

/** Check a genesis envelope's shape and that an admin or the hub signed it. */
export function checkGenesis(env: unknown, verify: VerifyFn): Envelope<GenesisBody> {
  const e = record(env, 'genesis');
  if (e.v !== 1 || e.kind !== 'genesis') fail('E_LEDGER_GENESIS', 'not a genesis envelope (v 1, kind "genesis")');
  const body = checkGenesisBody(e.body);
  const sig = e.sig;
  if (typeof sig !== 'string') fail('E_LEDGER_GENESIS', 'genesis has no signature');
  const signers = [body.hubKey, ...body.admins];
  if (!signers.some((k) => verify('genesis', e.body, sig, k))) fail('E_LEDGER_GENESIS', 'genesis is not signed by the hub or an admin');
  return { v: 1, kind: 'genesis', body: e.body as unknown as GenesisBody, sig };
}

/** A signed genesis envelope. */
export function makeGenesis(body: GenesisBody, secretKeyHex: string): Envelope<GenesisBody> {
  checkGenesisBody(body as unknown as Json);
  return { v: 1, kind: 'genesis', body, sig: sign('genesis', body, secretKeyHex) };
}
