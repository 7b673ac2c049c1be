// The testbed's stand-in for Keycloak: per realm a real OpenID Connect provider (oidc-provider)
// at Keycloak's paths, plus the part of Keycloak's admin REST API ccci's keycloak driver uses.
// Plain HTTP; the gateway terminates TLS and forwards X-Forwarded-Proto/Host.
//
// Environment (read once at start):
//   PORT                           port to listen on (8080, as Keycloak)
//   KEYCLOAK_ADMIN                 the master realm's admin user (admin)
//   KEYCLOAK_ADMIN_PASSWORD_FILE   file holding the admin's password (/run/secrets/admin_password)
//   OIDC_FAULT                     negative controls: never-ready (the health check never passes and
//                                  nothing is served), reject-clients (creating a client is forbidden)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AdminApi } from './admin.mjs';
import { readBody, requestBase, sendJson } from './http-util.mjs';
import { handleLogin } from './login.mjs';
import { Realm } from './realm.mjs';

const MAX_ADMIN_BODY = 64 * 1024;
const MAX_TOKEN_BODY = 56 * 1024;
const FAULTS = new Set(['', 'never-ready', 'reject-clients']);

function fail(message) {
  process.stderr.write(`keycloak-standin: ${message}\n`);
  process.exit(2);
}

function readAdminPassword(path) {
  let password;
  try {
    password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    fail(`cannot read the admin password file ${path} (${error.code ?? 'unreadable'})`);
  }
  if (password.length === 0) fail(`the admin password file ${path} is empty`);
  return password;
}

const fault = process.env.OIDC_FAULT ?? '';
if (!FAULTS.has(fault)) fail(`unknown OIDC_FAULT (known: ${[...FAULTS].filter(Boolean).join(', ')})`);
const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT is not a port number (0: any free port)');

const realms = new Map();
const master = new Realm('master', { enabled: true });
master.addClient({ clientId: 'admin-cli', publicClient: true, standardFlowEnabled: false, directAccessGrantsEnabled: true });
const admin = master.addUser({ username: process.env.KEYCLOAK_ADMIN || 'admin' });
master.setPassword(admin, readAdminPassword(process.env.KEYCLOAK_ADMIN_PASSWORD_FILE || '/run/secrets/admin_password'), false);
master.adminUserId = admin.id;
realms.set('master', master);
const adminApi = new AdminApi(realms, { rejectClients: fault === 'reject-clients' });

const callbacks = new WeakMap();
function providerCallback(provider) {
  if (!callbacks.has(provider)) callbacks.set(provider, provider.callback());
  return callbacks.get(provider);
}

// Keycloak takes client credentials in the body or as HTTP Basic; an oidc-provider client has one
// method. Credentials in the body are moved into a Basic header, so every client is
// client_secret_basic. oidc-provider then reads the rewritten body from req.body.
async function normaliseClientCredentials(req) {
  const body = await readBody(req, MAX_TOKEN_BODY);
  if (body === undefined) return false;
  const form = new URLSearchParams(body);
  const secret = form.get('client_secret');
  const clientId = form.get('client_id');
  if (secret !== null && clientId !== null && req.headers.authorization === undefined) {
    const encode = (text) => encodeURIComponent(text).replace(/%20/g, '+');
    req.headers.authorization = `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
    form.delete('client_secret');
  }
  req.body = form.toString();
  return true;
}

async function serveRealm(req, res, realmName, rest) {
  const realm = realms.get(realmName);
  if (!realm) return sendJson(res, 404, { error: 'Realm does not exist' });
  if (!realm.enabled) return sendJson(res, 403, { error: 'access_denied', error_description: 'Realm not enabled' });
  const base = requestBase(req);
  const provider = base && realm.providerFor(base);
  if (!provider) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Invalid host' });
  if (rest.startsWith('/login-actions/')) return handleLogin(realm, provider, req, res);
  if (req.method === 'POST' && /^\/protocol\/openid-connect\/(token|token\/introspect|revoke)$/.test(rest)
      && /^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
      && !(await normaliseClientCredentials(req))) {
    return sendJson(res, 413, { error: 'invalid_request', error_description: 'request entity too large' });
  }
  req.originalUrl = req.url;
  req.url = req.url.slice(`/realms/${realmName}`.length) || '/';
  return providerCallback(provider)(req, res);
}

async function serveAdmin(req, res, url) {
  const base = requestBase(req);
  if (!base) return sendJson(res, 400, { error: 'invalid_request' });
  let body;
  if (req.method === 'POST' || req.method === 'PUT') {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 415, { error: 'The content-type header value did not match the value in @Consumes' });
    }
    const text = await readBody(req, MAX_ADMIN_BODY);
    if (text === undefined) return sendJson(res, 413, { error: 'unknown_error' });
    try {
      body = JSON.parse(text);
    } catch (error) {
      body = error;
    }
  }
  let segments;
  try {
    segments = url.pathname.split('/').slice(2).filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return sendJson(res, 404, { error: 'HTTP 404 Not Found' });
  }
  const answer = await adminApi.handle({
    method: req.method, segments, query: url.searchParams, body, authorization: req.headers.authorization, base,
  });
  return sendJson(res, answer.status, answer.body, answer.headers);
}

async function route(req, res) {
  const url = new URL(req.url, 'http://standin.invalid');
  if (fault === 'never-ready') return sendJson(res, 503, { status: 'DOWN', checks: [] });
  if (/^\/health(\/ready|\/live|\/started)?$/.test(url.pathname)) return sendJson(res, 200, { status: 'UP', checks: [] });
  const realmPath = /^\/realms\/([^/]{1,100})(\/.*)?$/.exec(url.pathname);
  if (realmPath) return serveRealm(req, res, realmPath[1], realmPath[2] ?? '');
  if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) return serveAdmin(req, res, url);
  return sendJson(res, 404, { error: 'Unable to find matching target resource method' });
}

const server = createServer((req, res) => {
  route(req, res).catch((error) => {
    // Never the request or its body: they may carry passwords and secrets.
    process.stderr.write(`keycloak-standin: ${req.method} ${req.url.split('?')[0]} failed: ${error.name}\n`);
    if (!res.headersSent) sendJson(res, 500, { error: 'unknown_error' });
    else res.destroy();
  });
});
server.requestTimeout = 30_000;
server.headersTimeout = 10_000;
server.listen(port, () => {
  const faultNote = fault ? ` (fault ${fault})` : '';
  process.stdout.write(`keycloak-standin: listening on ${server.address().port}${faultNote}\n`);
});
// Everything is in memory: nothing to flush, so a stop is immediate (PID 1 in the container).
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
