/**
 * Conformance suite every relay driver runs (fake, Digital adapter, and
 * later the device): boot state, both coils follow writes, on-on refused,
 * read-back reflects the contacts, and the interlock on top never closes
 * both, with a stuck contact turning into E_RELAY_READBACK.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interlock } from '../../../firmware/coupling/interlock';
import type { RelayDriver } from '../../../firmware/coupling/relays';
import type { SwarmError } from '../../../shared/errors';

export interface DriverRig {
  driver: RelayDriver;
  /** Make the contact of one relay stick closed (true) or open (false). */
  stick?(relay: 'rl1' | 'rl2', closed: boolean): void;
}

export function relayDriverConformance(name: string, make: () => DriverRig): void {
  const t = suite(`relay driver conformance: ${name}`);

  t('boots with both contacts open', () => {
    const { driver } = make();
    const rb = driver.readBack();
    if (rb) assert.equal(rb, { rl1: false, rl2: false });
  });

  t('each coil follows writes and reads back', () => {
    const { driver } = make();
    driver.write(true, false);
    const a = driver.readBack();
    if (a) assert.equal(a, { rl1: true, rl2: false });
    driver.write(false, false);
    driver.write(false, true);
    const b = driver.readBack();
    if (b) assert.equal(b, { rl1: false, rl2: true });
  });

  t('on-on is refused by the driver itself', () => {
    const { driver } = make();
    let c = 'none';
    try {
      driver.write(true, true);
    } catch (e) {
      c = (e as SwarmError).code;
    }
    assert.is(c, 'E_RELAY_CONFIG');
  });

  t('under the interlock a stuck contact becomes E_RELAY_READBACK and both open', () => {
    const rig = make();
    if (!rig.stick || !rig.driver.readBack()) return;
    const il = new Interlock(rig.driver, 0);
    il.command('rl1', 200);
    assert.is(il.tick(300, rig.driver.readBack() ?? undefined), null);
    rig.stick('rl1', false);
    assert.is(il.tick(400, rig.driver.readBack() ?? undefined)?.code, 'E_RELAY_READBACK');
    assert.equal([il.state.rl1, il.state.rl2], [false, false]);
  });

  t('close opens both', () => {
    const { driver } = make();
    driver.write(false, true);
    driver.close();
    const rb = driver.readBack();
    if (rb) assert.equal(rb, { rl1: false, rl2: false });
  });

  t.run();
}
