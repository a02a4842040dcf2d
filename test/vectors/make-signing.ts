/**
 * Writes test/vectors/signing.json: bodies, keys, canonical text, digests and
 * RFC 6979 signatures as computed on Node. The portable tests recompute every
 * value on XS and on Node and must get the same bytes; test/node checks the
 * signatures independently with OpenSSL. Run: node --import tsx test/vectors/make-signing.ts
 */
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { canonicalText } from '../../shared/canonical';
import { messageDigest, publicKeyOf, sign } from '../../shared/sign';
import { toHex } from '../../shared/bytes';

// Fixed, documented secret keys (never used outside tests): sha256 of a label.
const key = (label: string) => createHash('sha256').update(label).digest('hex');

const cases: { name: string; domain: string; label: string; body: unknown }[] = [
  { name: 'contract with nested circuit', domain: 'contract', label: 'test hub key', body: { id: 'c-000017', seller: 'house-a', buyer: 'house-b', energyMWh: 44540, priceUnitsPerKWh: 2, beginMs: 1713272400000, endMs: 1713279600000, circuit: { bus: 1, switch: [3, 7] } } },
  { name: 'offer', domain: 'offer', label: 'test node key a', body: { node: 'house-a', seq: 1, energyMWh: 50000, priceUnitsPerKWh: 2, fromMs: 0, toMs: 7200000 } },
  { name: 'negative and zero integers', domain: 'meter-report', label: 'test meter key', body: { seq: 9007199254740991, importMWh: 0, exportMWh: -0, offsetMs: -1250, flags: [true, false, null] } },
  { name: 'strings that need escaping', domain: 'fault', label: 'test node key b', body: { code: 'E_VED_STALE', text: 'quote " backslash \\ tab \t newline \n bell \u0007 del \u007f' } },
  { name: 'non-ASCII text', domain: 'member', label: 'test admin key', body: { name: 'Ménage Ben Salah — بن صالح', emoji: '☀️🔋', village: 'sfax-lab' } },
  { name: 'empty containers', domain: 'block', label: 'test hub key', body: { height: 0, prev: '', txs: [], meta: {} } },
];

const vectors = cases.map((c) => {
  const secretKey = key(c.label);
  return {
    name: c.name,
    domain: c.domain,
    body: c.body,
    secretKey,
    publicKey: publicKeyOf(secretKey),
    canonical: canonicalText(c.body),
    digest: toHex(messageDigest(c.domain, c.body)),
    signature: sign(c.domain, c.body, secretKey),
  };
});

writeFileSync(new URL('./signing.json', import.meta.url), JSON.stringify({ about: 'swarmgrid signing vectors: canonical text, domain-separated SHA-256 digest, RFC 6979 low-S secp256k1 compact signature (hex). Regenerate with test/vectors/make-signing.ts only when the encoding changes on purpose.', vectors }, null, 1) + '\n');
console.log(`wrote ${vectors.length} vectors`);
