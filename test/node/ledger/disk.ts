/** Helpers for tests on a real on-disk ledger (LevelDB under DIR/ledger). */
import { Ledger } from '../../../hub/ledger/ledger';
import { LevelStore } from '../../../hub/ledger/level-store';
import { ledgerPath } from '../../../hub/ledger/index';
import { Village, steppingClock } from './fixture';

/**
 * A ledger in `dataDir` with 3 households and a few blocks of every kind:
 * block 1 admissions, 2 orders + contract + reports, 3 settlement + transfer,
 * 4 transfer + fault. Returns the village (keys) and the head height.
 */
export async function buildDiskLedger(dataDir: string): Promise<{ v: Village; height: number }> {
  const v = new Village();
  const ledger = await Ledger.open({ store: new LevelStore(ledgerPath(dataDir)), clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
  await ledger.append([v.admit(0), v.admit(1), v.admit(2)]);
  await ledger.append([v.order('offer', 0, 'o-1'), v.order('request', 1, 'r-1'), v.contract(0, 1, 5_000_000, 2), v.report(0, 1), v.report(1, 1)]);
  await ledger.append([v.settlement('c-000001', 0, 1, 5_000_000, 4_900_000, 9_800), v.transfer(2, 0, 1_500)]);
  await ledger.append([v.transfer(1, 2, 2_000), v.fault(1, 'E_REVERSE_CURRENT')]);
  const height = ledger.head.height;
  await ledger.close();
  return { v, height };
}
