// run-flow.mjs: runs one recipe browser flow (a `browser:` check, docs/recipe-spec.md) in Debian's
// Chromium through playwright-core, and prints ONE result line, the last line of stdout:
//   {"ccci":"browser-result","status":"pass"|"fail"|"error","message":…,"console_errors":[…],
//    "failed_requests":[…],"navigation_retries":[…],"screenshots":[…]}
// status fail: the flow threw, or the page logged a console error or threw a page error (the
// recipe's fault). status error: the browser could not be launched, the CA could not be trusted,
// or the app could not be reached even after retries (the harness's or the network's fault).
// ccci-run (runner/browser_check.cpp) treats anything else — a crash, no result line, a kill on
// its own timeout — as the check's error.
//
// Input, all from the environment (ccci-run sets every one):
//   CCCI_FLOW            absolute path of the recipe's flow module (its default export is called)
//   CCCI_URL, CCCI_DOMAIN, CCCI_STACK, CCCI_GATEWAY (host[:port], optional), CCCI_CA_BUNDLE (optional)
//   CCCI_CHROMIUM        the browser binary (default /usr/bin/chromium); never downloaded
//   CCCI_ARTIFACT_DIR    absolute directory for screenshots; CCCI_ARTIFACT_PREFIX: the same, relative to OUT
//   CCCI_FLOW_TIMEOUT_MS the flow's budget, navigation included
//   CCCI_DEPS_FILE       the run's dependency facts (optional): given to the flow as facts.deps, and
//                        every deployed dependency's domain goes to the gateway like the app's
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const env = process.env;
const RESULT_TAG = 'browser-result';
// Errors a restarting gateway or app gives for a moment; an assertion, a 4xx or a certificate
// error is never retried.
const TRANSIENT = /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|ABORTED|NETWORK_CHANGED|SOCKET_NOT_CONNECTED)\b/;
const NAVIGATION_RETRIES = [250, 500, 1000, 2000];  // waits before each retry, milliseconds
const MAX_LISTED = 20;                              // console errors / failed requests kept in the result

class HarnessError extends Error {}
const watched = new WeakSet();

// The dependencies' facts (docs/recipe-spec.md, CCCI_DEPS_FILE): [] without the file.
function dependencies() {
  if (!env.CCCI_DEPS_FILE) return [];
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(env.CCCI_DEPS_FILE, 'utf8'));
  } catch (error) {
    throw new HarnessError(`CCCI_DEPS_FILE could not be read: ${firstLine(error.message)}`);
  }
  return Array.isArray(parsed?.deps) ? parsed.deps : [];
}

// A request from the flow's own side, as an app's server makes one (a code exchange), never
// through the browser: routed like the browser's (the app's and the dependencies' domains to the
// gateway, CCCI_CA_BUNDLE trusted). Resolves {status, headers, text}; the body is capped.
function serverRequest(routed, timeout) {
  const ca = env.CCCI_CA_BUNDLE ? fs.readFileSync(env.CCCI_CA_BUNDLE) : undefined;
  const [gatewayHost, gatewayPort] = (env.CCCI_GATEWAY ?? '').split(':');
  return (address, { method = 'GET', headers = {}, body } = {}) => new Promise((resolve, reject) => {
    const target = new URL(address);
    if (target.protocol !== 'https:') throw new Error(`${address}: only https`);
    const viaGateway = gatewayHost && routed.includes(target.hostname);
    const request = https.request({
      host: viaGateway ? gatewayHost : target.hostname,
      port: viaGateway ? Number(gatewayPort || 443) : Number(target.port || 443),
      servername: target.hostname, path: target.pathname + target.search, method, ca, timeout,
      headers: { Host: target.host, ...headers },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { if (text.length < 1 << 20) text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text }));
    });
    request.on('timeout', () => request.destroy(new Error(`${address}: no answer within ${timeout} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

// Signs the dependency's test user in on its identity provider's login page (Keycloak's form:
// #username, #password, #kc-login), where the app's "sign in" sent `page`; resolves once the form
// is submitted. `recipe`: the dep (default: the first with a provider). The password is read from
// its file here, never handed to the flow.
function providerSignIn(deps) {
  return async (page, recipe) => {
    const dep = deps.find((d) => d.provider && (recipe === undefined || d.recipe === recipe));
    if (!dep?.password_file) throw new Error(`no provisioned identity provider${recipe ? ` ${recipe}` : ''} in CCCI_DEPS_FILE`);
    await page.waitForSelector('#username');
    await page.fill('#username', dep.username);
    await page.fill('#password', fs.readFileSync(dep.password_file, 'utf8'));
    await page.click('#kc-login');
  };
}

function required(name) {
  const value = env[name];
  if (!value) throw new HarnessError(`${name} is not set`);
  return value;
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

function firstLine(text) { return String(text).split('\n')[0].slice(0, 500); }

// PEM certificates of a bundle, each as its own string (certutil imports one per call).
function pemCertificates(bundle) {
  return fs.readFileSync(bundle, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

// The CA trusted, not ignored: an NSS database in the fresh profile's HOME, where Chromium on Linux
// reads locally added trust anchors. A certificate not issued by it still fails.
function trustBundle(home, bundle) {
  const db = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  const certutil = (args) => {
    const done = spawnSync('certutil', args, { encoding: 'utf8', timeout: 30000 });
    if (done.error || done.status !== 0) {
      throw new HarnessError(`certutil ${args[0]} failed: ${done.error?.message ?? firstLine(done.stderr)}` +
                             ' (install libnss3-tools)');
    }
  };
  certutil(['-N', '-d', `sql:${db}`, '--empty-password']);
  const certs = pemCertificates(bundle);
  if (certs.length === 0) throw new HarnessError(`CCCI_CA_BUNDLE ${bundle} holds no PEM certificate`);
  certs.forEach((pem, i) => {
    const file = path.join(home, `ca-${i}.pem`);
    fs.writeFileSync(file, pem + '\n');
    certutil(['-A', '-d', `sql:${db}`, '-n', `ccci-ca-${i}`, '-t', 'C,,', '-i', file]);
  });
}

// A context whose pages report their console errors, page errors and failed requests into `seen`,
// and whose pages' goto retries transient network errors.
function watch(context, seen, domain) {
  const attach = (page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location()?.url;
      // Chromium asks for /favicon.ico on its own; a site without one has not logged an error.
      if (where && new URL(where).pathname === '/favicon.ico') return;
      seen.console.push(firstLine(message.text()) + (where ? ` (${where})` : ''));
    });
    page.on('pageerror', (error) => seen.console.push('page error: ' + firstLine(error.message)));
    page.on('requestfailed', (request) => {
      seen.requests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    page.on('response', (response) => {
      let host = '';
      try { host = new URL(response.url()).hostname; } catch { /* data: and the like */ }
      if (response.status() >= 500 && host === domain) {
        seen.requests.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
      }
    });
    const goto = page.goto.bind(page);
    page.goto = (url, options) => retrying(() => goto(url, options), url, seen);
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  const newPage = context.newPage.bind(context);
  context.newPage = async () => { const page = await newPage(); attach(page); return page; };
  return context;
}

async function retrying(navigate, url, seen) {
  for (let attempt = 0; ; ++attempt) {
    try {
      return await navigate();
    } catch (error) {
      const transient = TRANSIENT.exec(String(error?.message));
      if (!transient || attempt >= NAVIGATION_RETRIES.length) throw error;
      seen.retries.push(`${url}: ${transient[0]}`);
      await sleep(NAVIGATION_RETRIES[attempt]);
    }
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function screenshot(page, name, artifacts, seen) {
  if (!page || page.isClosed()) return;
  const file = path.join(artifacts.dir, name);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 10000 });
    seen.screenshots.push(path.posix.join(artifacts.prefix, name));
  } catch (error) {
    seen.requests.push(`screenshot ${name} not taken: ${firstLine(error.message)}`);
  }
}

async function main() {
  const seen = { console: [], requests: [], retries: [], screenshots: [] };
  const result = { ccci: RESULT_TAG, status: 'error', message: '' };
  let browser;
  let page;
  let profile;
  const artifacts = { dir: '', prefix: '' };
  try {
    const flowFile = required('CCCI_FLOW');
    const url = required('CCCI_URL');
    const domain = required('CCCI_DOMAIN');
    artifacts.dir = required('CCCI_ARTIFACT_DIR');
    artifacts.prefix = required('CCCI_ARTIFACT_PREFIX');
    const timeout = Number(required('CCCI_FLOW_TIMEOUT_MS'));
    fs.mkdirSync(artifacts.dir, { recursive: true });

    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ccci-browser-'));
    if (env.CCCI_CA_BUNDLE) trustBundle(profile, env.CCCI_CA_BUNDLE);
    const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--no-first-run'];
    // Chromium's MAP takes a port: every connection to the app's domain, whatever its port, goes
    // to the gateway, and the URL (Host, SNI, origin) stays https://<domain>.
    const deps = dependencies();
    // A warm provider has no domain of ours: its own name resolves as usual.
    const routed = [domain, ...deps.map((dep) => dep.domain).filter((name) => /^[a-z0-9.-]+$/.test(name ?? ''))];
    if (env.CCCI_GATEWAY) {
      args.push(`--host-resolver-rules=${routed.map((name) => `MAP ${name} ${env.CCCI_GATEWAY}`).join(',')}`);
    }
    try {
      browser = await chromium.launch({
        executablePath: env.CCCI_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args,
        env: { ...env, HOME: profile },
        timeout: 60000,
      });
    } catch (error) {
      throw new HarnessError(`Chromium did not start: ${firstLine(error.message)}`);
    }
    const newContext = async () => watch(await browser.newContext(), seen, domain);
    const context = await newContext();
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);

    const flow = (await import(pathToFileURL(flowFile).href)).default;
    if (typeof flow !== 'function') throw new Error(`${path.basename(flowFile)} has no default export function`);
    const facts = { url, domain, stack: env.CCCI_STACK ?? '', gateway: env.CCCI_GATEWAY ?? '', deps };
    const flowArtifacts = {
      dir: artifacts.dir,
      screenshot: (target, name) => {
        const base = path.basename(String(name)).replace(/[^A-Za-z0-9._-]/g, '_');
        return screenshot(target, base.endsWith('.png') ? base : `${base}.png`, artifacts, seen);
      },
    };
    await withTimeout((async () => {
      try {
        await page.goto(url);
      } catch (error) {
        error.navigation = true;
        throw error;
      }
      await flow({ page, context, newContext, url, facts, artifacts: flowArtifacts, assert,
                   serverRequest: serverRequest(routed, timeout), providerSignIn: providerSignIn(deps) });
    })(), timeout, 'the flow');

    if (seen.console.length) {
      result.status = 'fail';
      result.message = `${seen.console.length} console error(s): ${seen.console.slice(0, 3).join('; ')}`;
      await screenshot(page, 'failure.png', artifacts, seen);
    } else {
      result.status = 'pass';
      await screenshot(page, 'end.png', artifacts, seen);
    }
  } catch (error) {
    const text = firstLine(error?.message ?? error);
    const unreachable = error?.navigation && TRANSIENT.test(text);
    result.status = error instanceof HarnessError || unreachable ? 'error' : 'fail';
    result.message = (unreachable ? `the app could not be reached after ${NAVIGATION_RETRIES.length} retries: ` : '') +
                     text + (seen.console.length ? `; console error(s): ${seen.console.slice(0, 3).join('; ')}` : '');
    if (artifacts.dir) await screenshot(page, 'failure.png', artifacts, seen);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  }
  Object.assign(result, {
    console_errors: seen.console.slice(0, MAX_LISTED),
    failed_requests: seen.requests.slice(0, MAX_LISTED),
    navigation_retries: seen.retries.slice(0, MAX_LISTED),
    screenshots: seen.screenshots,
  });
  process.stdout.write('\n' + JSON.stringify(result) + '\n');
  process.exitCode = { pass: 0, fail: 1 }[result.status] ?? 2;
}

await main();
