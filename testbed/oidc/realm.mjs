// One realm: its clients and users (as the admin API sees them), its signing key, and the
// oidc-provider instances that serve its OIDC endpoints, one per issuer (scheme + host) it is
// reached under, as Keycloak answers each request under the host it was sent to.
import { generateKeyPairSync, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import Provider from 'oidc-provider';
import { passwordGrant, PASSWORD_GRANT_PARAMETERS } from './password-grant.mjs';

// A realm reached under more hosts than this is being probed with made-up Host headers.
const MAX_ISSUERS_PER_REALM = 8;
const COOKIE_KEYS = [randomBytes(32).toString('base64url')];

function hashPassword(password) {
  const salt = randomBytes(16);
  return { salt, hash: scryptSync(password, salt, 32) };
}

function passwordMatches(stored, candidate) {
  if (!stored || typeof candidate !== 'string') return false;
  return timingSafeEqual(stored.hash, scryptSync(candidate, stored.salt, 32));
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

// oidc-provider's storage for one realm: sessions, grants, codes and tokens in memory; the
// clients come from the admin API's records.
class RealmAdapter {
  constructor(realm, model) {
    this.realm = realm;
    this.model = model;
    this.store = realm.storage;
  }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    this.store.set(this.key(id), { payload, expiresAt });
    if (payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      const ids = this.store.get(grantKey)?.payload ?? [];
      ids.push(this.key(id));
      this.store.set(grantKey, { payload: ids, expiresAt });
    }
    if (payload.userCode) this.store.set(`userCode:${payload.userCode}`, { payload: id, expiresAt });
    if (payload.uid) this.store.set(`uid:${payload.uid}`, { payload: id, expiresAt });
  }

  lookup(key) {
    const entry = this.store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt < Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  async find(id) {
    if (this.model === 'Client') return this.realm.clientMetadata(id);
    return this.lookup(this.key(id));
  }

  async findByUserCode(userCode) {
    const id = this.lookup(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUid(uid) {
    const id = this.lookup(`uid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = this.lookup(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { this.store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const key of this.lookup(`grant:${grantId}`) ?? []) this.store.delete(key);
    this.store.delete(`grant:${grantId}`);
  }
}

export class Realm {
  constructor(name, { enabled = true } = {}) {
    this.id = randomUUID();
    this.name = name;
    this.enabled = enabled;
    this.clients = new Map(); // uuid -> client record
    this.users = new Map(); // uuid -> user record
    this.storage = new Map();
    this.key = signingKey();
    this.providers = new Map(); // issuer -> Provider
  }

  // Client records, shaped as the admin API received them (validated by admin.mjs).
  addClient(client) {
    const record = {
      id: randomUUID(),
      clientId: client.clientId,
      enabled: client.enabled !== false,
      publicClient: client.publicClient === true,
      secret: client.secret ?? randomBytes(24).toString('base64url'),
      redirectUris: client.redirectUris ?? [],
      standardFlowEnabled: client.standardFlowEnabled !== false,
      directAccessGrantsEnabled: client.directAccessGrantsEnabled === true,
    };
    this.clients.set(record.id, record);
    return record;
  }

  findClientByClientId(clientId) {
    for (const client of this.clients.values()) if (client.clientId === clientId) return client;
    return undefined;
  }

  // oidc-provider's view of a client. Keycloak matches a redirect URI ending in `*` as a prefix;
  // oidc-provider wants exact URIs, so those are matched in redirectUriAllowed (server setup).
  clientMetadata(clientId) {
    const client = this.findClientByClientId(clientId);
    if (!client || !client.enabled) return undefined;
    const grantTypes = [];
    if (client.standardFlowEnabled) grantTypes.push('authorization_code', 'refresh_token');
    if (client.directAccessGrantsEnabled) grantTypes.push('password');
    return {
      client_id: client.clientId,
      ...(client.publicClient ? { token_endpoint_auth_method: 'none' }
        : { client_secret: client.secret, token_endpoint_auth_method: 'client_secret_basic' }),
      redirect_uris: client.standardFlowEnabled ? client.redirectUris.filter((uri) => !uri.endsWith('*')) : [],
      post_logout_redirect_uris: [],
      grant_types: grantTypes,
      response_types: client.standardFlowEnabled ? ['code'] : [],
    };
  }

  // Keycloak stores usernames in lower case and matches them so.
  addUser(user) {
    const record = {
      id: randomUUID(),
      username: user.username.toLowerCase(),
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      enabled: user.enabled !== false,
      emailVerified: user.emailVerified === true,
      credential: undefined,
      requiredActions: [],
    };
    this.users.set(record.id, record);
    return record;
  }

  findUserByUsername(username) {
    const wanted = String(username).toLowerCase();
    for (const user of this.users.values()) if (user.username === wanted) return user;
    return undefined;
  }

  findUserByEmail(email) {
    const wanted = String(email).toLowerCase();
    for (const user of this.users.values()) if (user.email?.toLowerCase() === wanted) return user;
    return undefined;
  }

  setPassword(user, password, temporary) {
    user.credential = hashPassword(password);
    user.requiredActions = temporary ? ['UPDATE_PASSWORD'] : [];
  }

  // Keycloak (24 and later) refuses tokens with "Account is not fully set up" while a required
  // action is pending: a temporary password, or, outside master, a profile without email, first
  // and last name (the declarative user profile's VERIFY_PROFILE). A driver must create complete
  // users; the stand-in refuses the same way, so one that does not fails here too.
  pendingActions(user) {
    const actions = [...user.requiredActions];
    if (this.name !== 'master' && !(user.email && user.firstName && user.lastName)) actions.push('VERIFY_PROFILE');
    return actions;
  }

  // The user when USERNAME and PASSWORD match an enabled account, else undefined.
  authenticate(username, password) {
    const user = typeof username === 'string' ? this.findUserByUsername(username) : undefined;
    if (!user || !user.enabled || !passwordMatches(user.credential, password)) return undefined;
    return user;
  }

  account(accountId) {
    const user = this.users.get(accountId);
    if (!user || !user.enabled) return undefined;
    return {
      accountId,
      async claims() {
        const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
        return {
          sub: accountId,
          preferred_username: user.username,
          ...(name ? { name } : {}),
          ...(user.firstName ? { given_name: user.firstName } : {}),
          ...(user.lastName ? { family_name: user.lastName } : {}),
          ...(user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
        };
      },
    };
  }

  // The provider serving this realm under BASE (e.g. https://idp.ccci.test), made on first use.
  providerFor(base) {
    const issuer = `${base}/realms/${this.name}`;
    let provider = this.providers.get(issuer);
    if (provider) return provider;
    if (this.providers.size >= MAX_ISSUERS_PER_REALM) return undefined;
    provider = this.makeProvider(issuer);
    this.providers.set(issuer, provider);
    return provider;
  }

  makeProvider(issuer) {
    const realm = this;
    const mountPath = new URL(issuer).pathname;
    const provider = new Provider(issuer, {
      adapter: (model) => new RealmAdapter(realm, model),
      jwks: { keys: [realm.key] },
      cookies: { keys: COOKIE_KEYS },
      findAccount: async (ctx, sub) => realm.account(sub),
      claims: {
        openid: ['sub'],
        profile: ['preferred_username', 'name', 'given_name', 'family_name'],
        email: ['email', 'email_verified'],
      },
      scopes: ['openid', 'offline_access', 'profile', 'email'],
      responseTypes: ['code'],
      conformIdTokenClaims: false, // Keycloak puts the profile and email claims in the ID token
      features: { devInteractions: { enabled: false } },
      interactions: { url: async (ctx, interaction) => `${mountPath}/login-actions/${interaction.uid}` },
      // First-party clients: a signed-in user's consent to the requested scopes is implied.
      loadExistingGrant: async (ctx) => {
        const { client, session, params } = ctx.oidc;
        const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
        grant.addOIDCScope(String(params.scope ?? 'openid'));
        await grant.save();
        return grant;
      },
      routes: {
        authorization: '/protocol/openid-connect/auth',
        token: '/protocol/openid-connect/token',
        jwks: '/protocol/openid-connect/certs',
        userinfo: '/protocol/openid-connect/userinfo',
        end_session: '/protocol/openid-connect/logout',
        revocation: '/protocol/openid-connect/revoke',
        introspection: '/protocol/openid-connect/token/introspect',
      },
      ttl: { AccessToken: realm.name === 'master' ? 60 : 300, IdToken: 300, AuthorizationCode: 60,
        Interaction: 1800, Session: 36000, Grant: 36000, RefreshToken: 1800 },
      renderError: async (ctx, out) => {
        ctx.type = 'application/json';
        ctx.body = out;
      },
    });
    provider.proxy = true; // the gateway terminates TLS and says so in X-Forwarded-Proto/Host
    // Koa would print whole errors; a message could quote a request. The name and route only.
    provider.silent = true;
    provider.on('server_error', (ctx, error) => {
      process.stderr.write(`keycloak-standin: ${realm.name} ${ctx.oidc?.route ?? ctx.path} failed: ${error.name}\n`);
    });
    provider.registerGrantType('password', passwordGrant(realm), PASSWORD_GRANT_PARAMETERS);
    // Keycloak's ID tokens always carry typ, azp and auth_time; oidc-provider's only on request.
    const idTokenPayload = provider.IdToken.prototype.payload;
    provider.IdToken.prototype.payload = async function keycloakIdTokenPayload() {
      const claims = await idTokenPayload.call(this);
      const authTime = this.available.auth_time;
      return { typ: 'ID', azp: this.client?.clientId, ...(authTime ? { auth_time: authTime } : {}), ...claims };
    };
    const exactMatch = provider.Client.prototype.redirectUriAllowed;
    provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
      const record = realm.findClientByClientId(this.clientId);
      const prefixes = (record?.redirectUris ?? []).filter((r) => r.endsWith('*')).map((r) => r.slice(0, -1));
      return exactMatch.call(this, uri) || prefixes.some((prefix) => uri.startsWith(prefix));
    };
    return provider;
  }
}
