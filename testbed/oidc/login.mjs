// The login page of the authorization-code flow (oidc-provider's "interaction"): a plain HTML
// form with Keycloak's element ids (#username, #password, #kc-login), so a browser flow written
// against Keycloak's login page works here too.
import { readBody } from './http-util.mjs';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(realm, action, error) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to ${escapeHtml(realm.name)}</title></head>
<body>
<h1 id="kc-page-title">Sign in to your account</h1>
${error ? `<p id="input-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form id="kc-form-login" method="post" action="${escapeHtml(action)}">
<label for="username">Username or email</label> <input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
<input type="submit" id="kc-login" name="login" value="Sign In">
</form>
</body></html>
`;
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

// GET shows the form; POST checks the credentials and hands the result back to the provider,
// which redirects to the client's redirect_uri with a code.
export async function handleLogin(realm, provider, req, res) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(res, 400, '<!DOCTYPE html><p>Your login attempt timed out. Login will start from the beginning.</p>');
    return;
  }
  const action = req.url.split('?')[0];
  if (details.prompt.name !== 'login') {
    // Consent is implied for the realm's clients (see loadExistingGrant): finish with the grant.
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    sendHtml(res, 200, page(realm, action));
    return;
  }
  if (req.method !== 'POST') {
    sendHtml(res, 405, '<!DOCTYPE html><p>Method not allowed</p>');
    return;
  }
  const form = new URLSearchParams((await readBody(req, 8192)) ?? '');
  const user = realm.authenticate(form.get('username') ?? '', form.get('password') ?? '');
  if (!user || realm.pendingActions(user).length > 0) {
    sendHtml(res, 200, page(realm, action, 'Invalid username or password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
}
