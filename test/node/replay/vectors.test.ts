import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/replay/vedirect.json';
import { deviceVectors } from './devices';

const t = suite('replay vectors');

t('vedirect.json holds what the testbed Victron emulators send today (re-run make.ts if not)', () => {
  assert.equal(vectors, deviceVectors());
});

t.run();
