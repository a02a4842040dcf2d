import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpApi } from '../../../hub/api/http';
import { fail } from '../../../shared/errors';

const api = suite('HTTP API server');
let server: HttpApi;
let base = '';
const written: unknown[] = [];

api.before(async () => {
  server = new HttpApi({ host: '127.0.0.1', port: 0, adminToken: 'secret-token', maxBodyBytes: 256 });
  server
    .get('/api/households/:id', (req) => (req.params['id'] === 'ghost' ? fail('E_API_NOT_FOUND', 'no household ghost') : { id: req.params['id'], admin: req.admin }))
    .post('/api/rules', (req) => {
      written.push(req.body);
      return { ok: true };
    });
  base = `http://127.0.0.1:${await server.listen()}`;
});
api.after(() => server.close());

api('routes with parameters and answers JSON', async () => {
  const r = await fetch(`${base}/api/households/house-a`);
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(await r.json(), { id: 'house-a', admin: false });
});

api('unknown routes and resources are 404 with a stable code', async () => {
  const a = await fetch(`${base}/api/nothing`);
  assert.is(a.status, 404);
  assert.is(((await a.json()) as { error: { code: string } }).error.code, 'E_API_NOT_FOUND');
  const b = await fetch(`${base}/api/households/ghost`);
  assert.is(b.status, 404);
  assert.equal(await b.json(), { error: { code: 'E_API_NOT_FOUND', message: 'E_API_NOT_FOUND: no household ghost' } });
});

api('a write without or with a wrong admin token is 401 and writes nothing', async () => {
  const none = await fetch(`${base}/api/rules`, { method: 'POST', body: '{"x":1}' });
  assert.is(none.status, 401);
  const wrong = await fetch(`${base}/api/rules`, { method: 'POST', body: '{"x":1}', headers: { authorization: 'Bearer nope' } });
  assert.is(wrong.status, 401);
  assert.equal(written, []);
});

api('a write with the token is accepted; bad and oversized bodies are refused', async () => {
  const auth = { authorization: 'Bearer secret-token' };
  const ok = await fetch(`${base}/api/rules`, { method: 'POST', body: '{"x":1}', headers: auth });
  assert.equal(await ok.json(), { ok: true });
  const bad = await fetch(`${base}/api/rules`, { method: 'POST', body: '{x', headers: auth });
  assert.is(bad.status, 400);
  assert.is(((await bad.json()) as { error: { code: string } }).error.code, 'E_API_BODY_JSON');
  const big = await fetch(`${base}/api/rules`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(1000) }), headers: auth });
  assert.is(big.status, 413);
  assert.is(((await big.json()) as { error: { code: string } }).error.code, 'E_API_BODY_SIZE');
  assert.equal(written, [{ x: 1 }]);
});

api('a method the route does not serve is 405', async () => {
  const r = await fetch(`${base}/api/households/house-a`, { method: 'POST', headers: { authorization: 'Bearer secret-token' } });
  assert.is(r.status, 405);
});

api.run();
