// The subset of Keycloak's admin REST API ccci's keycloak driver calls, with Keycloak's status
// codes, Location headers and error bodies. Every call needs a bearer token the master realm
// issued to the admin user through client admin-cli.
import { Realm } from './realm.mjs';

// Stricter than Keycloak (which accepts most characters): the names ccci generates, and nothing
// that needs escaping in a URL path.
const REALM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const MAX_REDIRECT_URIS = 100;
const MAX_TEXT = 255;
const MAX_URI = 2048;

export const CONFLICT = { errorMessage: 'Conflict detected. See logs for details' };
const UNAUTHORIZED = { error: 'HTTP 401 Unauthorized' };
const FORBIDDEN = { error: 'HTTP 403 Forbidden' };
const NOT_FOUND = { error: 'HTTP 404 Not Found' };
// Measured Keycloak bodies: POST /admin/realms says one thing for a body it cannot read, the
// client and user routes another.
const REALM_UNREADABLE = { errorMessage: 'unable to read contents from stream' };
const UNREADABLE = { error: 'invalid_request', error_description: 'Cannot parse the JSON' };
const METHOD_NOT_ALLOWED = { error: 'HTTP 405 Method Not Allowed' };

const reply = (status, body, headers = {}) => ({ status, body, headers });
const created = (location) => reply(201, undefined, { Location: location });
const badRequest = (errorMessage) => reply(400, { errorMessage });

const isText = (value, max = MAX_TEXT) => typeof value === 'string' && value.length > 0 && value.length <= max
  && !/[\u0000-\u001f\u007f]/.test(value);
const optional = (value, check) => value === undefined || value === null || check(value);
const isBool = (value) => typeof value === 'boolean';
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function isRedirectUri(uri) {
  if (!isText(uri, MAX_URI)) return false;
  if (uri.includes('#')) return false; // Keycloak refuses fragments, as OAuth does
  if (uri === '*' || uri.startsWith('/')) return true; // Keycloak: any, or relative to the root URL
  try {
    const { protocol } = new URL(uri.endsWith('*') ? uri.slice(0, -1) : uri);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export class AdminApi {
  // REALMS: Map name -> Realm, master included (its adminUserId is the admin user's id).
  constructor(realms, { rejectClients = false } = {}) {
    this.realms = realms;
    this.rejectClients = rejectClients;
  }

  async authorised(authorization) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(authorization ?? '');
    const master = this.realms.get('master');
    if (!match || !master) return false;
    for (const provider of master.providers.values()) {
      const token = await provider.AccessToken.find(match[1]).catch(() => undefined);
      if (token && !token.isExpired && token.clientId === 'admin-cli' && token.accountId === master.adminUserId) {
        return true;
      }
    }
    return false;
  }

  // METHOD, PATH (split on /, without "admin"), BODY (parsed JSON or an Error), BASE for Location.
  async handle({ method, segments, query, body, authorization, base }) {
    if (!(await this.authorised(authorization))) return reply(401, UNAUTHORIZED);
    const [realms, realmName, collection, id, action, ...rest] = segments;
    if (realms !== 'realms' || rest.length > 0) return reply(404, NOT_FOUND);
    if (body instanceof Error) return reply(400, realmName === undefined ? REALM_UNREADABLE : UNREADABLE);
    if (realmName === undefined) {
      if (method === 'POST') return this.createRealm(body, base);
      if (method === 'GET') return reply(200, [...this.realms.values()].map((r) => ({ id: r.id, realm: r.name, enabled: r.enabled })));
      return reply(405, METHOD_NOT_ALLOWED);
    }
    const realm = this.realms.get(realmName);
    if (!realm) return reply(404, { error: 'Realm not found.' });
    const location = `${base}/admin/realms/${encodeURIComponent(realm.name)}`;
    if (collection === undefined) {
      if (method === 'DELETE') return this.deleteRealm(realm);
      if (method === 'GET') return reply(200, { id: realm.id, realm: realm.name, enabled: realm.enabled });
    } else if (collection === 'clients') {
      if (id === undefined && method === 'POST') return this.createClient(realm, body, `${location}/clients`);
      if (id === undefined && method === 'GET') return this.listClients(realm, query);
      if (id !== undefined && action === 'client-secret' && method === 'GET') return this.clientSecret(realm, id);
    } else if (collection === 'users') {
      if (id === undefined && method === 'POST') return this.createUser(realm, body, `${location}/users`);
      if (id === undefined && method === 'GET') return this.listUsers(realm, query);
      if (id !== undefined && action === 'reset-password' && method === 'PUT') return this.resetPassword(realm, id, body);
    }
    return reply(404, NOT_FOUND);
  }

  createRealm(body, base) {
    if (!isObject(body) || body.realm === undefined || body.realm === null || body.realm === '') {
      return badRequest('Realm name cannot be empty');
    }
    if (typeof body.realm !== 'string' || !REALM_NAME.test(body.realm)) return badRequest('Realm name is invalid');
    if (!optional(body.enabled, isBool)) return reply(400, REALM_UNREADABLE);
    if (this.realms.has(body.realm)) return reply(409, CONFLICT);
    this.realms.set(body.realm, new Realm(body.realm, { enabled: body.enabled === true }));
    return created(`${base}/admin/realms/${body.realm}`);
  }

  deleteRealm(realm) {
    if (realm.name === 'master') return badRequest("Can't remove master realm");
    this.realms.delete(realm.name);
    return reply(204);
  }

  createClient(realm, body, location) {
    if (this.rejectClients) return reply(403, FORBIDDEN);
    if (!isObject(body)) return reply(400, UNREADABLE);
    const uris = body.redirectUris;
    const typed = optional(body.clientId, (v) => typeof v === 'string')
      && optional(body.secret, (v) => typeof v === 'string')
      && optional(uris, Array.isArray)
      && ['enabled', 'publicClient', 'standardFlowEnabled', 'directAccessGrantsEnabled']
        .every((flag) => optional(body[flag], isBool))
      && optional(body.protocol, (v) => v === 'openid-connect');
    if (!typed) return reply(400, UNREADABLE);
    if (!isText(body.clientId)) return badRequest('Client id cannot be empty');
    if (body.secret !== undefined && body.secret !== null && !isText(body.secret)) return badRequest('Invalid client secret');
    if (uris && (uris.length > MAX_REDIRECT_URIS || !uris.every(isRedirectUri))) {
      return reply(400, { error: 'invalid_input', error_description: 'A redirect URI is not a valid URI' });
    }
    if (realm.findClientByClientId(body.clientId)) {
      return reply(409, { errorMessage: `Client ${body.clientId} already exists` });
    }
    const client = realm.addClient({ ...body, secret: body.secret ?? undefined, redirectUris: uris ?? [] });
    return created(`${location}/${client.id}`);
  }

  listClients(realm, query) {
    const wanted = query.get('clientId');
    const clients = [...realm.clients.values()].filter((c) => wanted === null || c.clientId === wanted);
    return reply(200, clients.map((c) => ({
      id: c.id, clientId: c.clientId, enabled: c.enabled, publicClient: c.publicClient,
      redirectUris: c.redirectUris, standardFlowEnabled: c.standardFlowEnabled,
      directAccessGrantsEnabled: c.directAccessGrantsEnabled, protocol: 'openid-connect',
    })));
  }

  clientSecret(realm, id) {
    const client = realm.clients.get(id);
    if (!client) return reply(404, { error: 'Could not find client' });
    return reply(200, { type: 'secret', value: client.secret });
  }

  createUser(realm, body, location) {
    if (!isObject(body)) return reply(400, UNREADABLE);
    const typed = ['username', 'email', 'firstName', 'lastName'].every((f) => optional(body[f], (v) => typeof v === 'string'))
      && ['enabled', 'emailVerified'].every((flag) => optional(body[flag], isBool))
      && optional(body.credentials, Array.isArray);
    if (!typed) return reply(400, UNREADABLE);
    if (!isText(body.username)) return badRequest('User name is missing');
    if (body.email && !/^[^@\s]{1,64}@[^@\s]{1,190}$/.test(body.email)) return badRequest('Invalid email address.');
    if (realm.findUserByUsername(body.username)) return reply(409, { errorMessage: 'User exists with same username' });
    if (body.email && realm.findUserByEmail(body.email)) return reply(409, { errorMessage: 'User exists with same email' });
    const passwords = (body.credentials ?? []).filter((c) => isObject(c) && c.type === 'password');
    if (passwords.some((c) => !isText(c.value, 1024) || !optional(c.temporary, isBool))) return reply(400, UNREADABLE);
    const user = realm.addUser(body);
    const [password] = passwords;
    if (password) realm.setPassword(user, password.value, password.temporary === true);
    return created(`${location}/${user.id}`);
  }

  listUsers(realm, query) {
    const wanted = query.get('username');
    const exact = query.get('exact') === 'true';
    const users = [...realm.users.values()].filter((u) => wanted === null
      || (exact ? u.username === wanted.toLowerCase() : u.username.includes(wanted.toLowerCase())));
    return reply(200, users.map((u) => ({
      id: u.id, username: u.username, enabled: u.enabled, email: u.email,
      firstName: u.firstName, lastName: u.lastName, emailVerified: u.emailVerified,
    })));
  }

  resetPassword(realm, id, body) {
    const user = realm.users.get(id);
    if (!user) return reply(404, { error: 'User not found' });
    if (!isObject(body) || !optional(body.temporary, isBool) || !optional(body.type, (v) => v === 'password')) {
      return reply(400, UNREADABLE);
    }
    if (!isText(body.value, 1024)) return badRequest('Password cannot be empty');
    realm.setPassword(user, body.value, body.temporary === true);
    return reply(204);
  }
}
