// Proves the stand-in end to end, as ccci's keycloak driver and an app behind the gateway use it:
// admin token, realm, client, user and password through the admin API (with Keycloak's statuses
// and error bodies), a password grant whose ID token is checked against the realm's JWKS, and the
// authorization-code flow through the login form. Every request carries the gateway's
// X-Forwarded-Proto/Host, so the issuer is https://<host>/realms/<realm>.
//
//   node selftest.mjs                     starts server.mjs on a free port (and once per fault)
//   node selftest.mjs URL PASSWORD_FILE   tests a running instance (e.g. the image), admin "admin"
import { spawn } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const PUBLIC_HOST = 'idp.ccci.test';
const PUBLIC_BASE = `https://${PUBLIC_HOST}`;
const APP_CALLBACK = 'https://app.ccci.test/oidc/callback';
let checks = 0;

function check(condition, what) {
  assert.ok(condition, what);
  checks += 1;
}

function startServer(passwordFile, env = {}) {
  const child = spawn(process.execPath, [new URL('./server.mjs', import.meta.url).pathname], {
    env: { ...process.env, PORT: '0', KEYCLOAK_ADMIN_PASSWORD_FILE: passwordFile, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const port = /listening on (\d+)/.exec(out)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.on('exit', (code) => reject(new Error(`server.mjs exited with ${code} before listening`)));
  });
}

// A client behind the gateway: forwarded headers on every request, redirects to the public base
// mapped back to the server, cookies kept (by name; paths do not matter here).
function makeClient(url) {
  const cookies = new Map();
  return async function request(path, { method = 'GET', headers = {}, body, json } = {}) {
    const target = path.startsWith(PUBLIC_BASE) ? url + path.slice(PUBLIC_BASE.length) : url + path;
    const all = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': PUBLIC_HOST, ...headers };
    if (cookies.size) all.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (json !== undefined) {
      all['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    }
    const res = await fetch(target, { method, headers: all, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await res.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
}

const form = (fields) => ({
  method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});

function verifyIdToken(idToken, jwks, { issuer, audience, nonce }) {
  const [header64, payload64, signature64] = idToken.split('.');
  const header = JSON.parse(Buffer.from(header64, 'base64url'));
  const payload = JSON.parse(Buffer.from(payload64, 'base64url'));
  check(header.alg === 'RS256', 'the ID token is signed RS256');
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  check(jwk && jwk.d === undefined, 'its key is published at certs (public part only)');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  check(verify('RSA-SHA256', Buffer.from(`${header64}.${payload64}`), key, Buffer.from(signature64, 'base64url')),
    'the ID token signature verifies against the JWKS');
  const tampered = Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url');
  check(!verify('RSA-SHA256', Buffer.from(`${header64}.${tampered}`), key, Buffer.from(signature64, 'base64url')),
    'a tampered payload does not verify');
  if (process.env.SELFTEST_SHOW_CLAIMS) process.stderr.write(`${JSON.stringify(payload)}\n`);
  check(payload.iss === issuer, `iss is ${issuer} (got ${payload.iss})`);
  check(payload.aud === audience || payload.aud?.includes?.(audience), 'aud names the client');
  check(payload.exp > Date.now() / 1000, 'exp is in the future');
  check(payload.azp === audience && payload.typ === 'ID' && payload.auth_time > 0, 'azp, typ and auth_time as Keycloak sets them');
  if (nonce) check(payload.nonce === nonce, 'the nonce comes back');
  return payload;
}

async function adminFlow(request, adminPassword) {
  check((await request('/health/ready')).body?.status === 'UP', '/health/ready is UP');
  check((await request('/admin/realms', { method: 'POST', json: { realm: 'x' } })).status === 401, 'admin call without token: 401');
  const tokenUrl = '/realms/master/protocol/openid-connect/token';
  const bad = await request(tokenUrl, form({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'wrong' }));
  check(bad.status === 401 && bad.body.error === 'invalid_grant', 'a wrong admin password: 401 invalid_grant');
  const good = await request(tokenUrl, form({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: adminPassword }));
  check(good.status === 200 && good.body.token_type === 'Bearer' && good.body.expires_in > 0, 'admin token issued');
  const auth = { Authorization: `Bearer ${good.body.access_token}` };
  const admin = (path, options = {}) => request(path, { ...options, headers: { ...auth, ...options.headers } });

  const realm = `selftest-${randomBytes(4).toString('hex')}`;
  const made = await admin('/admin/realms', { method: 'POST', json: { realm, enabled: true } });
  check(made.status === 201 && made.headers.get('location') === `${PUBLIC_BASE}/admin/realms/${realm}`, 'realm: 201 + Location');
  const again = await admin('/admin/realms', { method: 'POST', json: { realm, enabled: true } });
  check(again.status === 409 && again.body.errorMessage === 'Conflict detected. See logs for details', 'same realm: 409');
  check((await admin('/admin/realms', { method: 'POST', json: { realm: 'a/b' } })).status === 400, 'bad realm name: 400');
  const unreadable = await admin('/admin/realms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
  check(unreadable.status === 400 && unreadable.body.errorMessage === 'unable to read contents from stream', 'unparsable body: 400');
  check((await admin('/admin/realms', { method: 'POST', body: '{}' })).status === 415, 'no JSON content type: 415');
  check((await admin('/admin/realms/master', { method: 'DELETE' })).status === 400, 'master cannot be removed');

  const clients = `/admin/realms/${realm}/clients`;
  const client = { clientId: 'app', enabled: true, publicClient: false, redirectUris: [APP_CALLBACK],
    standardFlowEnabled: true, directAccessGrantsEnabled: true, protocol: 'openid-connect' };
  check((await admin(clients, { method: 'POST', json: { ...client, redirectUris: 'x' } })).status === 400, 'redirectUris not an array: 400');
  check((await admin(clients, { method: 'POST', json: { ...client, redirectUris: [`${APP_CALLBACK}#x`] } })).status === 400,
    'a redirect URI with a fragment: 400');
  const disabled = `${realm}-off`;
  check((await admin('/admin/realms', { method: 'POST', json: { realm: disabled } })).status === 201, 'a realm without enabled');
  const off = await request(`/realms/${disabled}/protocol/openid-connect/token`, form({ grant_type: 'password' }));
  check(off.status === 403 && off.body.error_description === 'Realm not enabled', 'is disabled, as in Keycloak');
  check((await admin(`/admin/realms/${disabled}`, { method: 'DELETE' })).status === 204, 'and removed');
  const c = await admin(clients, { method: 'POST', json: client });
  const clientLocation = c.headers.get('location') ?? '';
  check(c.status === 201 && clientLocation.startsWith(`${PUBLIC_BASE}${clients}/`), 'client: 201 + Location');
  check((await admin(clients, { method: 'POST', json: client })).status === 409, 'same clientId: 409');
  const clientUuid = clientLocation.split('/').pop();
  const secret = await admin(`${clients}/${clientUuid}/client-secret`);
  check(secret.status === 200 && secret.body.type === 'secret' && secret.body.value.length >= 16, 'client secret readable');

  const users = `/admin/realms/${realm}/users`;
  const profile = { enabled: true, email: 'tester@ccci.test', firstName: 'Test', lastName: 'User' };
  const u = await admin(users, { method: 'POST', json: { username: 'Tester', ...profile } });
  const userLocation = u.headers.get('location') ?? '';
  check(u.status === 201 && userLocation.startsWith(`${PUBLIC_BASE}${users}/`), 'user: 201 + Location');
  check((await admin(users, { method: 'POST', json: { username: 'tester' } })).status === 409, 'same username (any case): 409');
  const userPassword = randomBytes(12).toString('base64url');
  const reset = await admin(`${userLocation.slice(PUBLIC_BASE.length)}/reset-password`,
    { method: 'PUT', json: { type: 'password', value: userPassword, temporary: false } });
  check(reset.status === 204, 'reset-password: 204');
  const partial = await admin(users, { method: 'POST', json: { username: 'partial', enabled: true,
    credentials: [{ type: 'password', value: userPassword, temporary: false }] } });
  check(partial.status === 201, 'a user without a profile can be created');
  return { admin, realm, clientSecret: secret.body.value, userPassword, clientUuid };
}

async function oidcFlows(request, { realm, clientSecret, userPassword }) {
  const prefix = `/realms/${realm}/protocol/openid-connect`;
  const issuer = `${PUBLIC_BASE}/realms/${realm}`;
  const discovery = (await request(`/realms/${realm}/.well-known/openid-configuration`)).body;
  check(discovery.issuer === issuer && discovery.token_endpoint === `${issuer}/protocol/openid-connect/token`,
    'discovery names the forwarded https issuer and Keycloak paths');
  const jwks = (await request(`${prefix}/certs`)).body;

  const grant = { grant_type: 'password', client_id: 'app', username: 'tester', password: userPassword, scope: 'openid' };
  const posted = await request(`${prefix}/token`, form({ ...grant, client_secret: clientSecret }));
  check(posted.status === 200 && posted.body.id_token, 'password grant (secret in the body) gives an ID token');
  const claims = verifyIdToken(posted.body.id_token, jwks, { issuer, audience: 'app' });
  check(claims.preferred_username === 'tester' && claims.email === 'tester@ccci.test', 'the ID token names the user');
  const userAsAdmin = await request('/admin/realms', { headers: { Authorization: `Bearer ${posted.body.access_token}` } });
  check(userAsAdmin.status === 401, "a realm user's token is no admin token");
  const basic = { Authorization: `Basic ${Buffer.from(`app:${clientSecret}`).toString('base64')}` };
  const viaBasic = await request(`${prefix}/token`, { ...form(grant), headers: { ...form(grant).headers, ...basic } });
  check(viaBasic.status === 200 && viaBasic.body.id_token, 'password grant (HTTP Basic) works too');
  const wrong = await request(`${prefix}/token`, form({ ...grant, password: 'nope', client_secret: clientSecret }));
  check(wrong.status === 401 && wrong.body.error === 'invalid_grant', 'a wrong user password: 401 invalid_grant');
  const incomplete = await request(`${prefix}/token`, form({ ...grant, username: 'partial', client_secret: clientSecret }));
  check(incomplete.status === 400 && incomplete.body.error_description === 'Account is not fully set up',
    'a user without email and names gets no token (as Keycloak 24+)');
  const badSecret = await request(`${prefix}/token`, form({ ...grant, client_secret: 'not-the-secret' }));
  check(badSecret.status === 401 && badSecret.body.error === 'invalid_client', 'a wrong client secret: 401 invalid_client');

  const nonce = randomBytes(8).toString('hex');
  const state = randomBytes(8).toString('hex');
  const auth = new URLSearchParams({ client_id: 'app', redirect_uri: APP_CALLBACK, response_type: 'code', scope: 'openid email profile', state, nonce });
  const badRedirect = await request(`${prefix}/auth?${auth.toString().replace(encodeURIComponent(APP_CALLBACK), encodeURIComponent('https://evil.test/cb'))}`);
  check(badRedirect.status === 400, 'an unregistered redirect_uri is refused');
  const start = await request(`${prefix}/auth?${auth}`);
  const loginUrl = start.headers.get('location') ?? '';
  check(start.status === 303 && loginUrl.startsWith(`/realms/${realm}/login-actions/`), 'auth redirects to the login page');
  const loginPage = await request(loginUrl);
  check(loginPage.status === 200 && /id="username"/.test(loginPage.text) && /id="kc-login"/.test(loginPage.text), 'the login form');
  const refused = await request(loginUrl, form({ username: 'tester', password: 'nope' }));
  check(refused.status === 200 && /Invalid username or password/.test(refused.text), 'wrong password: the form again');
  const loggedIn = await request(loginUrl, form({ username: 'tester', password: userPassword }));
  check(loggedIn.status === 303, 'login accepted');
  let location = loggedIn.headers.get('location');
  for (let hops = 0; hops < 5 && !location.startsWith(APP_CALLBACK); hops += 1) {
    const next = await request(location);
    check(next.status === 303 || next.status === 302, `redirect ${location.split('?')[0]}`);
    location = next.headers.get('location');
  }
  const callback = new URL(location);
  check(callback.href.startsWith(APP_CALLBACK) && callback.searchParams.get('state') === state, 'back at the app with the state');
  const code = callback.searchParams.get('code');
  const exchanged = await request(`${prefix}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK,
    client_id: 'app', client_secret: clientSecret }));
  check(exchanged.status === 200 && exchanged.body.id_token, 'the code is exchanged for tokens');
  const codeClaims = verifyIdToken(exchanged.body.id_token, jwks, { issuer, audience: 'app', nonce });
  const userinfo = await request(`${prefix}/userinfo`, { headers: { Authorization: `Bearer ${exchanged.body.access_token}` } });
  check(userinfo.status === 200 && userinfo.body.sub === codeClaims.sub, 'userinfo answers for the same subject');
  const replay = await request(`${prefix}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK,
    client_id: 'app', client_secret: clientSecret }));
  check(replay.status === 400 && replay.body.error === 'invalid_grant', 'a code works once');
}

async function teardown(admin, realm, request) {
  check((await admin(`/admin/realms/${realm}`, { method: 'DELETE' })).status === 204, 'delete realm: 204');
  check((await admin(`/admin/realms/${realm}`, { method: 'DELETE' })).status === 404, 'delete it again: 404');
  const listed = await admin('/admin/realms');
  check(listed.status === 200 && listed.body.some((r) => r.realm === 'master') && !listed.body.some((r) => r.realm === realm),
    'the realm list no longer holds it');
  check((await request(`/realms/${realm}/.well-known/openid-configuration`)).status === 404, 'its discovery is gone');
  check((await admin('/admin/realms/master/nothing-here')).status === 404, 'unknown admin path: 404');
}

async function faults(passwordFile, adminPassword) {
  const neverReady = await startServer(passwordFile, { OIDC_FAULT: 'never-ready' });
  try {
    check((await fetch(`${neverReady.url}/health/ready`)).status === 503, 'never-ready: health 503');
    check((await fetch(`${neverReady.url}/realms/master/.well-known/openid-configuration`)).status === 503, 'never-ready: nothing served');
  } finally { neverReady.child.kill(); }
  const rejecting = await startServer(passwordFile, { OIDC_FAULT: 'reject-clients' });
  try {
    const request = makeClient(rejecting.url);
    const token = (await request('/realms/master/protocol/openid-connect/token',
      form({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: adminPassword }))).body.access_token;
    const headers = { Authorization: `Bearer ${token}` };
    check((await request('/admin/realms', { method: 'POST', headers, json: { realm: 'r', enabled: true } })).status === 201,
      'reject-clients: realms still made');
    check((await request('/admin/realms/r/clients', { method: 'POST', headers, json: { clientId: 'c' } })).status === 403,
      'reject-clients: client creation 403');
  } finally { rejecting.child.kill(); }
}

const [url, passwordFileArg] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'oidc-selftest-'));
let server;
try {
  const passwordFile = passwordFileArg ?? join(dir, 'admin_password');
  if (!passwordFileArg) writeFileSync(passwordFile, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
  const adminPassword = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  if (!url) server = await startServer(passwordFile);
  const request = makeClient(url ?? server.url);
  const provisioned = await adminFlow(request, adminPassword);
  await oidcFlows(request, provisioned);
  await teardown(provisioned.admin, provisioned.realm, request);
  if (!url) await faults(passwordFile, adminPassword);
  process.stdout.write(`selftest: ${checks} checks passed\n`);
} finally {
  server?.child.kill();
  rmSync(dir, { recursive: true, force: true });
}
