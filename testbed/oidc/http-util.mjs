// Small HTTP helpers shared by the server's routes.

// The body as a string, or undefined when it is longer than LIMIT bytes (the rest is discarded).
export async function readBody(req, limit) {
  const chunks = [];
  let received = 0;
  for await (const chunk of req) {
    received += chunk.length;
    if (received <= limit) chunks.push(chunk);
  }
  return received > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, status === 204 ? headers : { 'Content-Length': 0, ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const firstValue = (header) => (typeof header === 'string' ? header.split(',')[0].trim() : undefined);
const HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

// The scheme and host the client used (https://idp.ccci.test behind the gateway, which sends
// X-Forwarded-Proto/Host), or undefined for a Host header that is not a host name.
export function requestBase(req) {
  const proto = firstValue(req.headers['x-forwarded-proto']) ?? 'http';
  const host = firstValue(req.headers['x-forwarded-host']) ?? req.headers.host;
  if ((proto !== 'http' && proto !== 'https') || typeof host !== 'string' || !HOST.test(host)) return undefined;
  return `${proto}://${host.toLowerCase()}`;
}
