// Keycloak's "direct access grant" (grant_type=password), which recent oidc-provider versions no
// longer ship: registered as a custom grant type that issues the provider's own access token and
// an ID token signed with the realm key, answered the way Keycloak answers.
import { errors } from 'oidc-provider';

export const PASSWORD_GRANT_PARAMETERS = ['username', 'password', 'scope'];

const KNOWN_SCOPES = new Set(['openid', 'profile', 'email']);

// Keycloak answers bad credentials with 401, not the 400 of a generic invalid_grant.
function invalidGrant(description, status = 400) {
  const error = new errors.InvalidGrant(description);
  error.error_description = description;
  error.status = status;
  error.statusCode = status;
  return error;
}

// Keycloak grants the client's default scopes (profile email) plus what was asked for among them;
// an ID token only when openid is among them.
function grantedScope(requested) {
  const scopes = new Set(['profile', 'email']);
  for (const scope of String(requested ?? '').split(' ')) if (KNOWN_SCOPES.has(scope)) scopes.add(scope);
  return [...scopes].join(' ');
}

export function passwordGrant(realm) {
  return async function passwordGrantHandler(ctx) {
    const { provider, params, client } = ctx.oidc;
    if (typeof params.username !== 'string' || typeof params.password !== 'string') {
      throw invalidGrant('Invalid user credentials', 401);
    }
    const user = realm.authenticate(params.username, params.password);
    if (!user) throw invalidGrant('Invalid user credentials', 401);
    if (realm.pendingActions(user).length > 0) throw invalidGrant('Account is not fully set up');

    const scope = grantedScope(params.scope);
    const account = realm.account(user.id);
    const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
    grant.addOIDCScope(scope);
    await grant.save();
    ctx.oidc.entity('Account', account);
    ctx.oidc.entity('Grant', grant);

    const accessToken = new provider.AccessToken({
      accountId: user.id, client, grantId: grant.jti, gty: 'password', scope,
    });
    ctx.oidc.entity('AccessToken', accessToken);
    const accessTokenValue = await accessToken.save();

    let idToken;
    if (scope.split(' ').includes('openid')) {
      const token = new provider.IdToken({ ...(await account.claims()), auth_time: Math.floor(Date.now() / 1000) }, { ctx });
      token.scope = scope;
      token.set('at_hash', accessTokenValue);
      idToken = await token.issue({ use: 'idtoken' });
    }

    ctx.body = {
      access_token: accessTokenValue,
      expires_in: accessToken.expiration,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      ...(idToken ? { id_token: idToken } : {}),
      'not-before-policy': 0,
      scope,
    };
  };
}
