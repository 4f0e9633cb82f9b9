// oidc_server.mjs — an OpenID Connect issuer for the jwt plugin's tests:
// oauth2-mock-server 8.x (see the shared PEERS notes) on 127.0.0.1, plus a
// small control API under /__control/ on the same port.
//
//   node oidc_server.mjs PORT [TLS_PORT]
//
// With TLS_PORT (and OIDC_TLS_CERT / OIDC_TLS_KEY naming PEM files), the
// issuer is https://127.0.0.1:TLS_PORT: tokens carry that "iss" and
// discovery points at the HTTPS JWKS; the control API stays on PORT (plain
// HTTP, like everything else when TLS_PORT is not given).
//
// The issuer is http://127.0.0.1:PORT with discovery at
// /.well-known/openid-configuration and keys at /jwks; it starts with three
// signing keys: RS256 'test-key-1', ES256 'test-key-es', PS256 'test-key-ps'.
// We serve the mock's request handler from our own http server (rather than
// OAuth2Server.start) so that every request can be counted and the key
// endpoints taken down on command.
//
// Control API (JSON bodies and answers):
//   POST /__control/token   {kid?, expiresIn?, claims?, header?, remove?: [claim...]}
//                           → {token}; claims/header are merged over the mock's
//                           defaults (iss, iat, exp, nbf; typ, kid, alg wins)
//   POST /__control/hs256-confusion {kid, claims?}
//                           → {token}: alg HS256, HMAC keyed with the public key
//                           PEM of `kid` (the classic algorithm-confusion attack)
//   POST /__control/keys    {alg, kid} → the new public JWK (key rotation)
//   POST /__control/jwks    {up: true|false} → discovery and JWKS answer 503 while down
//   GET  /__control/stats   → {jwks: N, discovery: N} requests served so far
import { createHmac, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2]);
const tlsPort = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
if (!Number.isInteger(port) || port <= 0 || (tlsPort !== undefined && !(Number.isInteger(tlsPort) && tlsPort > 0))) {
  console.error('usage: node oidc_server.mjs PORT [TLS_PORT]   (TLS: OIDC_TLS_CERT and OIDC_TLS_KEY PEM files)');
  process.exit(2);
}

const oauth = new OAuth2Server();
const issuer = oauth.issuer;
issuer.url = tlsPort ? `https://127.0.0.1:${tlsPort}` : `http://127.0.0.1:${port}`;
await issuer.keys.generate('RS256', { kid: 'test-key-1' });
await issuer.keys.generate('ES256', { kid: 'test-key-es' });
await issuer.keys.generate('PS256', { kid: 'test-key-ps' });

const stats = { jwks: 0, discovery: 0 };
let keysUp = true;

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function readJson(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { data += c; });
    req.on('end', () => {
      try { resolve(data ? JSON.parse(data) : {}); } catch (e) { reject(e); }
    });
    req.on('error', reject);
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function control(req, res, path) {
  const body = req.method === 'POST' ? await readJson(req) : {};
  if (req.method === 'GET' && path === '/__control/stats') return send(res, 200, stats);
  if (req.method === 'POST' && path === '/__control/jwks') {
    keysUp = Boolean(body.up);
    return send(res, 200, { up: keysUp });
  }
  if (req.method === 'POST' && path === '/__control/keys') {
    const jwk = await issuer.keys.generate(body.alg, { kid: body.kid });
    const pub = issuer.keys.toJSON().find((k) => k.kid === jwk.kid);
    return send(res, 200, pub);
  }
  if (req.method === 'POST' && path === '/__control/token') {
    const token = await issuer.buildToken({
      kid: body.kid,
      expiresIn: body.expiresIn,
      scopesOrTransform: (header, payload) => {
        Object.assign(header, body.header ?? {});
        Object.assign(payload, body.claims ?? {});
        for (const name of body.remove ?? []) delete payload[name];
      },
    });
    return send(res, 200, { token });
  }
  if (req.method === 'POST' && path === '/__control/hs256-confusion') {
    const pub = issuer.keys.toJSON().find((k) => k.kid === body.kid);
    if (!pub) return send(res, 404, { error: `no key ${body.kid}` });
    const pem = createPublicKey({ key: pub, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'HS256', typ: 'JWT', kid: body.kid };
    const payload = { iss: issuer.url, iat: now, nbf: now - 10, exp: now + 3600, ...(body.claims ?? {}) };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const sig = createHmac('sha256', pem).update(input).digest();
    return send(res, 200, { token: `${input}.${b64url(sig)}` });
  }
  return send(res, 404, { error: `no control route ${req.method} ${path}` });
}

const handler = oauth.service.requestHandler;
const serve = (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path.startsWith('/__control/')) {
    control(req, res, path).catch((e) => send(res, 500, { error: String(e?.stack ?? e) }));
    return;
  }
  if (path === '/jwks') stats.jwks += 1;
  if (path === '/.well-known/openid-configuration') stats.discovery += 1;
  if (!keysUp && (path === '/jwks' || path === '/.well-known/openid-configuration')) {
    return send(res, 503, { error: 'key endpoints taken down by the test' });
  }
  handler(req, res);
};

const servers = [http.createServer(serve)];
if (tlsPort) {
  const tls = https.createServer(
    { cert: readFileSync(process.env.OIDC_TLS_CERT), key: readFileSync(process.env.OIDC_TLS_KEY) }, serve);
  servers.push(tls);
  // HTTPS first: once PORT accepts connections (what the test harness waits
  // for), the issuer's own port is ready too.
  await new Promise((resolve) => tls.listen(tlsPort, '127.0.0.1', resolve));
}
servers[0].listen(port, '127.0.0.1', () => {
  console.log(`oidc_server: issuer ${issuer.url}`);
});

const stop = () => {
  let open = servers.length;
  for (const s of servers) s.close(() => { if (--open === 0) process.exit(0); });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
