import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DiodeCheck } from '../../../firmware/meter/diode';
import { SwarmError } from '../../../shared/errors';

const diode = suite('diode-direction check');

diode('reverse current beyond threshold for the debounce latches once', () => {
  const d = new DiodeCheck({ reverseThresholdMA: 50, debounceMs: 2000 });
  assert.is(d.check(0, -100, 'prosumer'), false);
  assert.is(d.check(1000, -100, 'prosumer'), false);
  assert.is(d.check(1999, -100, 'prosumer'), false);
  assert.is(d.check(2000, -100, 'prosumer'), true);
  assert.ok(d.faulted);
  assert.is(d.check(3000, -100, 'prosumer'), false, 'reported once');
  assert.ok(d.faulted);
});

diode('a short reverse blip restarts the debounce', () => {
  const d = new DiodeCheck({ reverseThresholdMA: 50, debounceMs: 2000 });
  d.check(0, -100, 'prosumer');
  d.check(1500, -100, 'prosumer');
  d.check(1600, 10, 'prosumer'); // forward again
  assert.is(d.check(2500, -100, 'prosumer'), false);
  assert.is(d.check(4400, -100, 'prosumer'), false);
  assert.is(d.check(4500, -100, 'prosumer'), true);
});

diode('reverse current within the threshold is noise', () => {
  const d = new DiodeCheck({ reverseThresholdMA: 50, debounceMs: 0 });
  assert.is(d.check(0, -50, 'prosumer'), false);
  assert.is(d.check(10, -51, 'prosumer'), true);
});

diode('outside Prosumer mode bus → house current is no fault', () => {
  const d = new DiodeCheck({ reverseThresholdMA: 50, debounceMs: 1000 });
  for (let t = 0; t < 10_000; t += 500) assert.is(d.check(t, -5000, 'consumer'), false);
  for (let t = 10_000; t < 20_000; t += 500) assert.is(d.check(t, -5000, 'autonomous'), false);
  assert.not.ok(d.faulted);
  // entering prosumer starts a fresh debounce
  assert.is(d.check(20_000, -5000, 'prosumer'), false);
  assert.is(d.check(21_000, -5000, 'prosumer'), true);
});

diode('the latch survives forward current and mode changes; only clear() releases it', () => {
  const d = new DiodeCheck({ debounceMs: 0 });
  d.check(0, -1000, 'prosumer');
  assert.ok(d.faulted);
  d.check(1, 1000, 'prosumer');
  d.check(2, 0, 'autonomous');
  assert.ok(d.faulted);
  d.clear();
  assert.not.ok(d.faulted);
  assert.ok(new DiodeCheck({}, true).faulted, 'restored latch');
});

diode('bad settings are E_METER_CONFIG', () => {
  try {
    new DiodeCheck({ debounceMs: -1 });
    assert.unreachable();
  } catch (e) {
    assert.is((e as SwarmError).code, 'E_METER_CONFIG');
  }
});

diode.run();
