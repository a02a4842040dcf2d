import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeTextBlock } from '../../../firmware/vedirect/encode';
import { TextBlock } from '../../../firmware/vedirect/block';
import { CHECKSUM_KEY, PID_KEY, VeDirectParser } from '../../../firmware/vedirect/parser';
import { VictronRecord } from '../../../firmware/vedirect/record';
import { ALARM_REASON_BITS, bitNames, CHARGE_STATE_NAMES, ERROR_NAMES, labelKey, labelKeyOfText, OFF_REASON_BITS, TRACKER_MODE_NAMES } from '../../../firmware/vedirect/labels';

type Fields = [string, string][];

/**
 * One parser per record, as on the device: a block that does not start with
 * PID is only taken once the parser is in step (after a previous block).
 * Each block is applied at times 1000, 2000, …
 */
const parsers = new WeakMap<VictronRecord, VeDirectParser>();
function feed(record: VictronRecord, ...blocks: Fields[]): void {
  let p = parsers.get(record);
  if (!p) {
    let t = 0;
    p = new VeDirectParser({ block: (b: TextBlock) => void record.apply(b, (t += 1000)) });
    parsers.set(record, p);
    // An empty block puts the parser in step without touching the record.
    p.push(encodeTextBlock([]));
  }
  for (const f of blocks) p.push(encodeTextBlock(f));
}

const mppt: Fields = [
  ['PID', '0xA053'], ['FW', '164'], ['SER#', 'HQ2219XYZ12'], ['V', '12790'], ['I', '-300'], ['VPV', '18350'], ['PPV', '18'],
  ['CS', '3'], ['MPPT', '2'], ['OR', '0x00000001'], ['ERR', '0'], ['LOAD', 'ON'], ['IL', '300'],
  ['H19', '1234'], ['H20', '12'], ['H21', '95'], ['H22', '31'], ['H23', '101'], ['HSDS', '17'],
];
const bmv1: Fields = [
  ['PID', '0x203'], ['V', '12650'], ['I', '-2300'], ['P', '-29'], ['CE', '-4980'], ['SOC', '876'], ['TTG', '-1'],
  ['Alarm', 'OFF'], ['Relay', 'ON'], ['AR', '5'], ['BMV', '700'], ['FW', '0308'], ['MON', '0'],
];
const bmv2: Fields = [-20000, -5000, -8000, 12, 0, -250000, 11200, 14400, 3600, 9, 1, 2, 3, 4, 11900, 12100, 310, 350].map((v, k) => [`H${k + 1}`, String(v)]);

const typed = suite('typed decoding with units');

typed('an MPPT block decodes into mV, mA, mW, mWh, enums and booleans', () => {
  const r = new VictronRecord();
  feed(r, mppt);
  assert.is(r.productId, 0xa053);
  assert.is(r.firmware, '164');
  assert.is(r.serial, 'HQ2219XYZ12');
  assert.is(r.voltageMV, 12790);
  assert.is(r.currentMA, -300);
  assert.is(r.panelVoltageMV, 18350);
  assert.is(r.panelPowerMW, 18_000);
  assert.is(r.chargeState, 3);
  assert.is(CHARGE_STATE_NAMES[r.chargeState!], 'bulk');
  assert.is(TRACKER_MODE_NAMES[r.trackerMode!], 'MPPT tracker active');
  assert.is(r.offReason, 1);
  assert.equal(bitNames(r.offReason!, OFF_REASON_BITS), ['no input power']);
  assert.is(ERROR_NAMES[r.errorCode!], 'no error');
  assert.is(r.loadOn, true);
  assert.is(r.loadCurrentMA, 300);
  assert.is(r.yieldTotalMWh, 12_340_000);
  assert.is(r.yieldTodayMWh, 120_000);
  assert.is(r.maxPowerTodayMW, 95_000);
  assert.is(r.yieldYesterdayMWh, 310_000);
  assert.is(r.maxPowerYesterdayMW, 101_000);
  assert.is(r.daySequence, 17);
  assert.is(r.socPermille, null);
  assert.is(r.blocks, 1);
  assert.is(r.updatedAtMs, 1000);
});

typed('a BMV-700 data set split over two blocks fills one record; absent fields keep their values', () => {
  const r = new VictronRecord();
  feed(r, bmv1);
  assert.is(r.socPermille, 876);
  assert.is(r.powerMW, -29_000);
  assert.is(r.consumedMAh, -4980);
  assert.is(r.timeToGoMin, -1);
  assert.is(r.alarmOn, false);
  assert.is(r.relayOn, true);
  assert.equal(bitNames(r.alarmReason!, ALARM_REASON_BITS), ['low voltage', 'low SOC']);
  assert.is(r.model, '700');
  assert.is(r.monitorMode, 0);
  assert.is(r.deepestDischargeMAh, null);
  feed(r, bmv2);
  assert.is(r.socPermille, 876, 'SOC kept across the history block');
  assert.is(r.deepestDischargeMAh, -20000);
  assert.is(r.chargeCycles, 12);
  assert.is(r.cumulativeDrawnMAh, -250000);
  assert.is(r.minVoltageMV, 11200);
  assert.is(r.sinceFullChargeS, 3600);
  assert.is(r.highAuxVoltageAlarms, 4);
  assert.is(r.minAuxVoltageMV, 11900);
  assert.is(r.dischargedEnergyMWh, 3_100_000);
  assert.is(r.chargedEnergyMWh, 3_500_000);
  feed(r, bmv1.map(([l, v]) => [l, l === 'V' ? '12600' : v] as [string, string]));
  assert.is(r.voltageMV, 12600);
  assert.is(r.chargeCycles, 12, 'history kept across the main block');
  assert.is(r.blocks, 3);
});

typed('inverter and DC fields scale 0.01 V and 0.1 A to mV and mA', () => {
  const r = new VictronRecord();
  feed(r, [['PID', '0xA2F0'], ['MODE', '2'], ['AC_OUT_V', '23000'], ['AC_OUT_I', '12'], ['AC_OUT_S', '280'], ['WARN', '0'], ['DC_IN_V', '1280'], ['DC_IN_I', '215'], ['DC_IN_P', '275'], ['V2', '13000'], ['I2', '-10'], ['VS', '12000'], ['VM', '6400'], ['DM', '-12'], ['T', '-5']]);
  assert.is(r.deviceMode, 2);
  assert.is(r.acOutVoltageMV, 230_000);
  assert.is(r.acOutCurrentMA, 1_200);
  assert.is(r.acOutApparentPowerVA, 280);
  assert.is(r.dcInVoltageMV, 12_800);
  assert.is(r.dcInCurrentMA, 21_500);
  assert.is(r.dcInPowerMW, 275_000);
  assert.is(r.voltage2MV, 13_000);
  assert.is(r.current2MA, -10);
  assert.is(r.auxVoltageMV, 12_000);
  assert.is(r.midVoltageMV, 6_400);
  assert.is(r.midDeviationPermille, -12);
  assert.is(r.batteryTemperatureC, -5);
});

typed('a value that is not a number becomes null; ON/OFF anything else becomes null', () => {
  const r = new VictronRecord();
  feed(r, [['V', '12800'], ['T', '---'], ['LOAD', 'ON']]);
  assert.is(r.batteryTemperatureC, null);
  feed(r, [['V', '12.8'], ['LOAD', 'MAYBE']]);
  assert.is(r.voltageMV, null);
  assert.is(r.loadOn, null);
});

typed('unknown labels are kept as raw strings, latest value wins', () => {
  const r = new VictronRecord();
  feed(r, [['PID', '0xA053'], ['XYZ', '1'], ['LONGLABEL12', 'a b']]);
  assert.equal({ ...r.unknown }, { XYZ: '1', LONGLABEL12: 'a b' });
  const before = r.unknown;
  feed(r, [['XYZ', '1']]);
  assert.ok(r.unknown === before, 'unchanged values give the same object');
  feed(r, [['XYZ', '2']]);
  assert.equal({ ...r.unknown }, { XYZ: '2', LONGLABEL12: 'a b' });
});

typed('text fields change only when their bytes change', () => {
  const r = new VictronRecord();
  feed(r, mppt);
  feed(r, mppt.map(([l, v]) => [l, l === 'SER#' ? 'HQ0000NEW01' : v] as [string, string]));
  assert.is(r.serial, 'HQ0000NEW01');
  assert.is(r.firmware, '164');
});

typed('a block with a "__proto__" label keeps it as an ordinary field', () => {
  const out: unknown[] = [];
  const p = new VeDirectParser({ block: (b: TextBlock) => void out.push(JSON.stringify(b.toObject())) });
  p.push(encodeTextBlock([['PID', '0x203'], ['__proto__', 'x']]));
  assert.equal(out, ['{"PID":"0x203","__proto__":"x"}']);
});

typed('the parser keys labels as labelKey does (Checksum and PID constants, every field of a block, long labels -1)', () => {
  assert.is(CHECKSUM_KEY, labelKeyOfText('Checksum'));
  assert.is(PID_KEY, labelKeyOfText('PID'));
  const fields: Fields = [['PID', '0x203'], ['V', '1'], ['AC_OUT_V', '2'], ['LONGLABEL12', '3'], ['~', '4']];
  const keys: number[] = [];
  const computed: number[] = [];
  const p = new VeDirectParser({
    block: (b) => {
      for (let i = 0; i < b.count; i++) {
        keys.push(b.labelKey(i));
        computed.push(labelKey(b.bytes, b.labelStart[i]!, b.labelEnd[i]!));
      }
    },
  });
  p.push(encodeTextBlock([]));
  p.push(encodeTextBlock(fields));
  assert.equal(keys, computed);
  assert.equal(keys, fields.map(([l]) => labelKeyOfText(l)));
  assert.is(keys[3], -1);
});

typed.run();
