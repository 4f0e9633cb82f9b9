#!/usr/bin/env node
// A front for dynalite that checks what dynalite does not and fails on
// purpose, for the dynamodb plugin's tests:
//   UPSTREAM=http://127.0.0.1:DYNALITE_PORT node ddb_fault_proxy.js PORT
// (listens on 127.0.0.1 only).
//
// Every request must be a DynamoDB JSON call (POST /, Content-Type
// application/x-amz-json-1.0, X-Amz-Target DynamoDB_20120810.<Op>) signed
// with SigV4 for service "dynamodb": the proxy re-signs it with
// @smithy/signature-v4 (the AWS SDK for JavaScript's signer) and answers
// like DynamoDB when the access key is unknown (UnrecognizedClientException)
// or the signature differs (InvalidSignatureException). The one known key
// is AKIDNEXUSTEST / nexus-test-secret.
//
// Faults: POST /__faults with a JSON array of rules
//   {"target": "PutItem", "contains": "text in the body" (optional),
//    "skip": n (let the first n matches through), "times": m (then fail m,
//    -1 forever), "status": 400, "type": "ThrottlingException",
//    "message": "..."}
// replaces the rules. GET /__count answers {"PutItem": n, ...} (requests
// seen per target, faulted or not); POST /__reset clears counts and rules.
'use strict';
const http = require('http');
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');

const port = Number(process.argv[2]);
const upstream = new URL(process.env.UPSTREAM || '');
if (!port || !upstream.port) {
  console.error('usage: UPSTREAM=http://127.0.0.1:PORT node ddb_fault_proxy.js PORT');
  process.exit(2);
}
const KEYS = { AKIDNEXUSTEST: 'nexus-test-secret' };
let rules = [];
let counts = {};

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}
function awsError(res, status, type, message) {
  answer(res, status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}

// The Authorization header smithy computes for this request, or an error text.
async function expectedAuthorization(req, body) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
    req.headers.authorization || '');
  if (!m) return { error: ['MissingAuthenticationTokenException', 'Request is missing Authentication Token'] };
  const [, keyId, , region, service, signedHeaders] = m;
  if (!(keyId in KEYS)) return { error: ['UnrecognizedClientException', 'The security token included in the request is invalid.'] };
  if (service !== 'dynamodb') return { error: ['InvalidSignatureException', `Credential should be scoped to correct service: 'dynamodb'.`] };
  const headers = {};
  for (const name of signedHeaders.split(';')) headers[name] = req.headers[name] || '';
  const amzDate = req.headers['x-amz-date'] || '';
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({
    credentials: { accessKeyId: keyId, secretAccessKey: KEYS[keyId], ...(req.headers['x-amz-security-token'] ? { sessionToken: req.headers['x-amz-security-token'] } : {}) },
    region, service, sha256: Sha256, uriEscapePath: true, applyChecksum: false,
  });
  const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers.host, path: req.url, headers, body });
  const signed = await signer.sign(request, { signingDate: date });
  return { authorization: signed.headers.authorization };
}

function matchRule(target, body) {
  for (const r of rules) {
    if (r.target !== target) continue;
    if (r.contains && !body.includes(r.contains)) continue;
    r.seen = (r.seen || 0) + 1;
    if (r.seen <= (r.skip || 0)) continue;
    if (r.times !== -1 && r.seen > (r.skip || 0) + (r.times ?? 1)) continue;
    return r;
  }
  return null;
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/__faults' && req.method === 'POST') {
      rules = JSON.parse(body);
      return answer(res, 200, { rules: rules.length });
    }
    if (req.url === '/__count') return answer(res, 200, counts);
    if (req.url === '/__reset' && req.method === 'POST') {
      rules = [];
      counts = {};
      return answer(res, 200, {});
    }
    const target = (req.headers['x-amz-target'] || '').replace(/^DynamoDB_20120810\./, '');
    if (req.method !== 'POST' || req.url !== '/' || req.headers['content-type'] !== 'application/x-amz-json-1.0' || !target)
      return awsError(res, 400, 'SerializationException', 'not a DynamoDB JSON 1.0 request (POST /, Content-Type, X-Amz-Target)');
    counts[target] = (counts[target] || 0) + 1;
    try {
      const expected = await expectedAuthorization(req, body);
      if (expected.error) return awsError(res, 400, expected.error[0], expected.error[1]);
      if (expected.authorization !== req.headers.authorization)
        return awsError(res, 400, 'InvalidSignatureException',
          'The request signature we calculated does not match the signature you provided.');
    } catch (e) {
      return awsError(res, 500, 'InternalServerError', String(e));
    }
    const rule = matchRule(target, body);
    if (rule) return awsError(res, rule.status || 400, rule.type || 'ThrottlingException', rule.message || 'injected by ddb_fault_proxy');
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => awsError(res, 502, 'InternalServerError', 'upstream: ' + e.message));
    up.end(Buffer.concat(chunks));
  });
}).listen(port, '127.0.0.1');
