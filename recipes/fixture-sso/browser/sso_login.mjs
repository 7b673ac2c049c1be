// fixture-sso's single sign-on through a browser: the app serves the OIDC client ccci provisioned
// for it (/sso.json), the test user signs in on the provider's login page and is sent back to the
// app's callback with a code, and that code, exchanged with the app's client, gives an ID token
// for that user. The dependency facts come from CCCI_DEPS_FILE (facts.deps); secrets from files.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';

const secretOf = (file) => fs.readFileSync(file, 'utf8');
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

async function jsonAt(page, address) {
  const response = await page.goto(address);
  if (!response.ok()) throw new Error(`${address} answered ${response.status()}`);
  return JSON.parse(await response.text());
}

export default async function ssoLogin({ page, url, facts, artifacts, assert, serverRequest, providerSignIn }) {
  const dep = facts.deps.find((d) => d.recipe === 'keycloak');
  assert.ok(dep?.issuer, 'the keycloak dependency was provisioned (CCCI_DEPS_FILE)');
  const clientSecret = secretOf(dep.client_secret_file);

  const app = await jsonAt(page, `${url}/sso.json`);
  assert.equal(app.issuer, dep.issuer, 'the app runs with the per-run realm as its issuer');
  assert.equal(app.client_id, dep.client_id, 'the app runs with the provisioned client id');
  assert.equal(app.client_secret_sha256, createHash('sha256').update(clientSecret).digest('hex'),
    "the app's client secret is the provisioned one");

  const discovery = await jsonAt(page, dep.discovery_url);
  const redirectUri = `${url}/oidc-callback.html`;
  const state = randomBytes(12).toString('hex');
  const nonce = randomBytes(12).toString('hex');
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({ client_id: app.client_id, redirect_uri: redirectUri, response_type: 'code',
                                           scope: 'openid profile email', state, nonce }).toString();
  await page.goto(authorize.href);
  await page.waitForSelector('#kc-login');
  await artifacts.screenshot(page, 'provider-login');
  await Promise.all([page.waitForURL(`${redirectUri}?**`), providerSignIn(page, 'keycloak')]);
  await page.waitForSelector('#outcome[aria-busy="false"]');
  await artifacts.screenshot(page, 'back-at-the-app');
  const outcome = page.locator('#outcome');
  assert.equal((await outcome.textContent()).trim(), 'signed in', 'the app got a code back');
  assert.equal(await outcome.getAttribute('data-state'), state, 'the state the login started with came back');
  const code = await outcome.getAttribute('data-code');

  // The app's server exchanges the code with its client: a request of its own, not the browser's.
  const basic = Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(clientSecret)}`);
  const tokens = await serverRequest(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic.toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
  });
  // Only an error's body is shown: a 200's holds the tokens.
  assert.equal(tokens.status, 200,
    `the token endpoint answered ${tokens.status} to the code exchange: ${tokens.text.slice(0, 300)}`);
  const claims = claimsOf(JSON.parse(tokens.text).id_token);
  assert.equal(claims.iss, dep.issuer, 'the ID token is from the realm');
  assert.ok([claims.aud].flat().includes(app.client_id), "the ID token is for the app's client");
  assert.equal(claims.nonce, nonce, 'the ID token carries the login\'s nonce');
  assert.equal(claims.preferred_username, dep.username, 'the ID token names the test user');
  await page.goto(url);
}
