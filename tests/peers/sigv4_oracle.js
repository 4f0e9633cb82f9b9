#!/usr/bin/env node
// A second SigV4 implementation for the differential test in
// tests/unit/sigv4_test.cpp: reads one JSON request per line on stdin and
// prints one JSON line per request with the Authorization header that
// @smithy/signature-v4 (the AWS SDK for JavaScript v3 signer) computes.
//
// Input line: {"method","path" (NOT encoded: "/bucket/a b.txt"),
//   "query": [[name, value], ...] (decoded; duplicates allowed),
//   "headers": [[name, value], ...] (unique names), "body": "text",
//   "unsigned": bool, "s3": bool, "region", "service", "date": "20150830T123600Z",
//   "access_key_id", "secret_access_key", "session_token"}
// Output line: {"authorization": "..."} or {"error": "..."}.
//
// Path encoding is done here independently of the C++ code: S3 mode
// encodes each segment the way the S3 client's serializer does
// (extendedEncodeURIComponent) and signs it as is (uriEscapePath: false);
// other services get the once-encoded wire path and smithy normalises and
// encodes it again (uriEscapePath: true).
'use strict';
const readline = require('readline');
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');

const escapeUri = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const encodePath = (p) => p.split('/').map(escapeUri).join('/');
const toDate = (d) => new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);

async function signOne(r) {
  const query = {};
  for (const [k, v] of r.query) {
    if (!(k in query)) query[k] = v;
    else if (Array.isArray(query[k])) query[k].push(v);
    else query[k] = [query[k], v];
  }
  const headers = {};
  for (const [k, v] of r.headers) headers[k] = v;
  if (r.s3 && r.unsigned) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const hostHeader = r.headers.find(([k]) => k.toLowerCase() === 'host');
  const request = new HttpRequest({
    method: r.method,
    protocol: 'https:',
    hostname: hostHeader ? hostHeader[1] : 'example.com',
    path: encodePath(r.path),
    query,
    headers,
    body: r.body === '' ? undefined : r.body,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: r.access_key_id,
      secretAccessKey: r.secret_access_key,
      ...(r.session_token ? { sessionToken: r.session_token } : {}),
    },
    region: r.region,
    service: r.service,
    sha256: Sha256,
    uriEscapePath: !r.s3,
    applyChecksum: !!r.s3,
  });
  const signed = await signer.sign(request, { signingDate: toDate(r.date) });
  return { authorization: signed.headers.authorization };
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let out;
    try {
      out = await signOne(JSON.parse(line));
    } catch (e) {
      out = { error: String(e && e.stack ? e.stack : e) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
