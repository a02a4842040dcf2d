import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SETTINGS, SettingsPersister, validateSettings, type SettingsStore } from '../../../firmware/coupling/settings';
import type { SwarmError } from '../../../shared/errors';

/** A fake Moddable Preference domain that enforces its limits. */
function fakePreference() {
  const data = new Map<string, number | string | boolean | ArrayBuffer>();
  let writes = 0;
  const store: SettingsStore = {
    get: (k) => data.get(k),
    set: (k, v) => {
      if (k.length > 15) throw new Error(`key too long: ${k}`);
      if (typeof v === 'number' && (!Number.isInteger(v) || v > 2147483647 || v < -2147483648)) throw new Error(`not int32: ${k}=${v}`);
      if (typeof v === 'string' && v.length > 4000) throw new Error('string too long');
      if (v instanceof ArrayBuffer && v.byteLength > 4000) throw new Error('buffer too long');
      writes++;
      data.set(k, v);
    },
  };
  return { data, store, writes: () => writes };
}

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
};

const v = suite('HEMTS settings: validation');

v('defaults are valid', () => {
  assert.equal(validateSettings(DEFAULT_SETTINGS).socPPermille, 850);
});

v('floats, out-of-range and inconsistent triggers are refused with E_HEMTS_SETTING', () => {
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, socPPermille: 850.5 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, socPPermille: 1001 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, socPminPermille: 900 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, socCPermille: 950 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, strategy: 'greedy' as 'paper' })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, pvProfileMWh: [1, 2, 3] })), 'E_HEMTS_SETTING');
});

v('appliance windows must be [start, end) minutes within the day', () => {
  const a = { name: 'TV', kind: 'secondary' as const, powerMW: 25_000, number: 1, windows: [[1200, 1100]] as [number, number][] };
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, appliances: [a] })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, appliances: [{ ...a, windows: [[0, 1441]] }] })), 'E_HEMTS_SETTING');
  assert.is(validateSettings({ ...DEFAULT_SETTINGS, appliances: [{ ...a, windows: [[1100, 1200]] }] }).appliances.length, 1);
});

const p = suite('HEMTS settings: persistence');

p('an update is validated, written with Preference-safe keys and values, and read back', () => {
  const f = fakePreference();
  const sp = new SettingsPersister(f.store, DEFAULT_SETTINGS, 60_000);
  const pv = Array.from({ length: 24 }, (_, h) => (h >= 6 && h <= 18 ? 40_000 : 0));
  const appliances = [{ name: 'Fan', kind: 'secondary' as const, powerMW: 15_000, number: 1, windows: [[720, 900]] as [number, number][] }];
  sp.update({ socPPermille: 870, strategy: 'paper', pvProfileMWh: pv, appliances }, 0);
  const again = new SettingsPersister(f.store);
  assert.is(again.settings.socPPermille, 870);
  assert.is(again.settings.strategy, 'paper');
  assert.equal(again.settings.pvProfileMWh, pv);
  assert.equal(again.settings.appliances, appliances);
  for (const k of f.data.keys()) assert.ok(k.length <= 15, k);
});

p('writes are throttled and only changed keys are written', () => {
  const f = fakePreference();
  const sp = new SettingsPersister(f.store, DEFAULT_SETTINGS, 60_000);
  const first = sp.flush(0);
  assert.ok(first.length > 10);
  const n = f.writes();
  assert.equal(sp.update({ socCPermille: 700 }, 1000), []);
  assert.is(f.writes(), n);
  assert.equal(sp.dirtyKeys, ['socC']);
  assert.equal(sp.flush(61_000), ['socC']);
  assert.is(f.writes(), n + 1);
  assert.equal(sp.flush(200_000), []);
});

p('an invalid update changes nothing', () => {
  const f = fakePreference();
  const sp = new SettingsPersister(f.store);
  assert.is(code(() => sp.update({ socPminPermille: 999 }, 0)), 'E_HEMTS_SETTING');
  assert.is(sp.settings.socPminPermille, 800);
});

p('corrupt stored values fall back to the defaults', () => {
  const f = fakePreference();
  f.data.set('socP', 5000);
  f.data.set('appliances', '{not json');
  const sp = new SettingsPersister(f.store);
  assert.is(sp.settings.socPPermille, 850);
  assert.equal(sp.settings.appliances, []);
});

v.run();
p.run();
