import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/ina226.json';
import { calibrationFor, configWord, Ina226, Ina226Reg } from '../../../firmware/meter/ina226';
import { SwarmError } from '../../../shared/errors';
import { FakeIna226 } from './fake-ina226';

function code(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (e) {
    return e instanceof SwarmError ? e.code : 'not-swarm: ' + String(e);
  }
}

const cal = suite('INA226 calibration');

for (const c of v.cases) {
  cal(`shunt ${c.shuntMicroOhm} µΩ, max ${c.maxCurrentMA} mA gives Current_LSB ${c.currentLsbNA} nA and CAL ${c.cal}`, () => {
    assert.equal(calibrationFor(c.shuntMicroOhm, c.maxCurrentMA), { currentLsbNA: c.currentLsbNA, cal: c.cal });
  });
}

cal('a shunt and range that overflow the 15-bit CAL are refused', () => {
  assert.is(code(() => calibrationFor(1, 1)), 'E_SENSOR_CONFIG'); // CAL far above 32767
  assert.is(code(() => calibrationFor(0, 1000)), 'E_SENSOR_CONFIG');
  assert.is(code(() => calibrationFor(2000, 1.5)), 'E_SENSOR_CONFIG');
});

cal('configuration word: 16 averages, 1.1 ms, continuous shunt and bus', () => {
  assert.is(configWord(16, 1100), 0x4527);
  assert.is(configWord(1, 1100), 0x4127); // the POR value
  assert.is(code(() => configWord(3, 1100)), 'E_SENSOR_CONFIG');
  assert.is(code(() => configWord(16, 1000)), 'E_SENSOR_CONFIG');
});

const dev = suite('INA226 driver on a register model');

for (const c of v.cases) {
  dev(`readings for shunt ${c.shuntMicroOhm} µΩ match the chip arithmetic`, () => {
    const fake = new FakeIna226();
    const ina = new Ina226(fake, { shuntMicroOhm: c.shuntMicroOhm, maxCurrentMA: c.maxCurrentMA });
    ina.init();
    for (const r of c.readings) {
      fake.setInputs(r.shuntNV, r.busUV);
      assert.equal(ina.read(), { busMV: r.busMV, currentMA: r.currentMA }, `shunt ${r.shuntNV} nV`);
    }
  });
}

dev('init resets, writes configuration and calibration, and reads them back', () => {
  const fake = new FakeIna226();
  const ina = new Ina226(fake, { shuntMicroOhm: 2000, maxCurrentMA: 10000 });
  ina.init();
  assert.is(ina.readRegister(Ina226Reg.calibration), 8388);
  assert.is(ina.readRegister(Ina226Reg.config), 0x4527);
  const writes = fake.writes.filter((w) => w.length === 3);
  assert.equal(writes, [
    [0x00, 0x80, 0x00],
    [0x00, 0x45, 0x27],
    [0x05, 0x20, 0xc4],
  ]);
});

dev('negative current reads as a signed value (bus → house)', () => {
  const fake = new FakeIna226();
  const ina = new Ina226(fake, { shuntMicroOhm: 2000, maxCurrentMA: 10000 });
  ina.init();
  fake.setInputs(-2_000_000, 12_000_000); // −1 A through 2 mΩ
  const r = ina.read();
  assert.ok(r.currentMA < 0);
  assert.ok(Math.abs(r.currentMA + 1000) <= 1);
});

dev('a missing chip is E_SENSOR_ABSENT, a wrong one E_SENSOR_ID', () => {
  const absent = new FakeIna226();
  absent.absent = true;
  assert.is(code(() => new Ina226(absent, { shuntMicroOhm: 2000, maxCurrentMA: 10000 }).init()), 'E_SENSOR_ABSENT');
  const other = new FakeIna226();
  other.manufacturerId = 0x1234;
  assert.is(code(() => new Ina226(other, { shuntMicroOhm: 2000, maxCurrentMA: 10000 }).init()), 'E_SENSOR_ID');
  const ina219ish = new FakeIna226();
  ina219ish.dieId = 0x2270;
  assert.is(code(() => new Ina226(ina219ish, { shuntMicroOhm: 2000, maxCurrentMA: 10000 }).init()), 'E_SENSOR_ID');
  const rev = new FakeIna226();
  rev.dieId = 0x2261; // another silicon revision of the same die
  assert.is(code(() => new Ina226(rev, { shuntMicroOhm: 2000, maxCurrentMA: 10000 }).init()), 'none');
});

dev('a calibration that does not stick is E_SENSOR_CONFIG; a later bus failure is E_SENSOR_IO', () => {
  const stuck = new FakeIna226();
  stuck.stuck.add(0x05);
  assert.is(code(() => new Ina226(stuck, { shuntMicroOhm: 2000, maxCurrentMA: 10000 }).init()), 'E_SENSOR_CONFIG');
  const fake = new FakeIna226();
  const ina = new Ina226(fake, { shuntMicroOhm: 2000, maxCurrentMA: 10000 });
  assert.is(code(() => ina.read()), 'E_SENSOR_CONFIG'); // before init
  ina.init();
  fake.absent = true;
  assert.is(code(() => ina.read()), 'E_SENSOR_IO');
});

cal.run();
dev.run();
