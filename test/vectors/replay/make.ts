/**
 * Writes the coupling node's VE.Direct vectors (bytes from the testbed's
 * Victron emulators, for the portable tests that cannot import the testbed):
 *
 *   npx tsx test/vectors/replay/make.ts
 *
 * test/node/replay/vectors.test.ts checks the file still matches the emulators.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deviceVectors } from '../../node/replay/devices';

const out = fileURLToPath(new URL('./vedirect.json', import.meta.url));
writeFileSync(out, JSON.stringify(deviceVectors(), null, 2) + '\n');
console.log(`wrote ${out}`);
