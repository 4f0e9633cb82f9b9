#!/usr/bin/env node
// A front for s3rver that checks what s3rver does not, for the s3 plugin's
// wire tests (tests/unit/plugin_s3_wire_test.cpp):
//   UPSTREAM=http://127.0.0.1:S3RVER_PORT [REGION=us-east-1] node s3_sigv4_proxy.js PORT
// (listens on 127.0.0.1 only).
//
// s3rver checks the access key id but not the signature (PEERS.md), so a
// plugin that signs one request and sends another would pass every test
// against it. This proxy re-signs each request exactly as it arrived (the
// encoded path and query from the request line, the signed headers as
// received) with @smithy/signature-v4, the AWS SDK for JavaScript's signer,
// with S3's rules (path signed as sent, never normalised), and answers the
// way S3 does when something is off:
//   - unknown access key                      403 InvalidAccessKeyId
//   - scope for another service               403 SignatureDoesNotMatch
//   - scope for another region than REGION    400 AuthorizationHeaderMalformed
//   - signature differs                       403 SignatureDoesNotMatch
//   - body differs from x-amz-content-sha256  400 XAmzContentSHA256Mismatch
// Everything else goes to s3rver unchanged. The one known key pair is
// S3RVER / S3RVER (s3rver's own).
//
// Control (paths under /__, which no bucket name can start with):
//   GET  /__stats   {"connections" (TCP connections that carried S3
//                   requests, not control ones), "verified", "rejected":
//                   [{method, url, code}], "ops": {"AbortMultipartUpload": n, ...},
//                   "lists": [the decoded query of each ListObjectsV2, in order]}
//   POST /__reset   clears stats and faults
//   POST /__faults  {"fail_part": N, "status": 400, "code": "InvalidArgument"}
//                   answers UploadPart number N with that error (after the
//                   signature check), until reset.
//   POST /__faults  {"list_status": 200, "list_body": "<ListBucketResult>..."}
//                   answers every ListObjectsV2 with that (after the
//                   signature check), until reset.
'use strict';
const crypto = require('crypto');
const http = require('http');
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');

const port = Number(process.argv[2]);
const upstream = new URL(process.env.UPSTREAM || 'http://invalid');
const expectedRegion = process.env.REGION || 'us-east-1';
if (!port || !upstream.port) {
  console.error('usage: UPSTREAM=http://127.0.0.1:PORT [REGION=...] node s3_sigv4_proxy.js PORT');
  process.exit(2);
}
const KEYS = { S3RVER: 'S3RVER' };

let stats;
let faults;
function reset() {
  stats = { connections: 0, verified: 0, rejected: [], ops: {}, lists: [] };
  faults = {};
}
reset();

function xmlError(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
          '<RequestId>s3-sigv4-proxy</RequestId></Error>');
}

// The S3 operation a request is, for the counts the tests read.
function operation(method, query) {
  if (query.has('uploads') && method === 'POST') return 'CreateMultipartUpload';
  if (query.has('uploadId')) {
    if (method === 'PUT') return 'UploadPart';
    if (method === 'POST') return 'CompleteMultipartUpload';
    if (method === 'DELETE') return 'AbortMultipartUpload';
  }
  if (query.get('list-type') === '2') return 'ListObjectsV2';
  return `${method}Object`;
}

// Query parameters as smithy takes them: decoded, repeated names as arrays.
function decodedQuery(rawQuery) {
  const out = {};
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (!(k in out)) out[k] = v;
    else if (Array.isArray(out[k])) out[k].push(v);
    else out[k] = [out[k], v];
  }
  return out;
}

// null when the request is signed right, else [status, code, message].
async function signatureProblem(req, body) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
    req.headers.authorization || '');
  if (!m) return [400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed or missing.'];
  const [, keyId, , region, service, signedHeaders] = m;
  if (!(keyId in KEYS)) return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  if (service !== 's3') return [403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 's3'.`];
  if (region !== expectedRegion)
    return [400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region}' is wrong; expecting '${expectedRegion}'`];
  const declared = req.headers['x-amz-content-sha256'];
  if (!declared) return [400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
  if (declared !== 'UNSIGNED-PAYLOAD' && declared !== crypto.createHash('sha256').update(body).digest('hex'))
    return [400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."];

  const headers = {};
  for (const name of signedHeaders.split(';')) {
    if (!(name in req.headers)) return [403, 'SignatureDoesNotMatch', `signed header '${name}' was not sent`];
    headers[name] = req.headers[name];
  }
  const amzDate = req.headers['x-amz-date'] || '';
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:` +
                        `${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const q = req.url.indexOf('?');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: keyId,
      secretAccessKey: KEYS[keyId],
      ...(req.headers['x-amz-security-token'] ? { sessionToken: req.headers['x-amz-security-token'] } : {}),
    },
    region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  });
  const request = new HttpRequest({
    method: req.method, protocol: 'http:', hostname: headers.host,
    path: q < 0 ? req.url : req.url.slice(0, q),  // as sent: S3 signs the encoded path unchanged
    query: decodedQuery(q < 0 ? '' : req.url.slice(q + 1)),
    headers,
  });
  const signed = await signer.sign(request, { signingDate: date });
  if (signed.headers.authorization !== req.headers.authorization)
    return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
  return null;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(stats));
    }
    if (req.url === '/__reset' && req.method === 'POST') {
      reset();
      res.writeHead(200);
      return res.end();
    }
    if (req.url === '/__faults' && req.method === 'POST') {
      faults = JSON.parse(body.toString('utf8'));
      res.writeHead(200);
      return res.end();
    }
    if (!req.socket.carriedS3) {
      req.socket.carriedS3 = true;
      stats.connections += 1;
    }
    const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    const op = operation(req.method, query);
    stats.ops[op] = (stats.ops[op] || 0) + 1;
    if (op === 'ListObjectsV2') stats.lists.push(Object.fromEntries(query));
    let problem;
    try {
      problem = await signatureProblem(req, body);
    } catch (e) {
      problem = [500, 'InternalError', 'proxy: ' + String(e)];
    }
    if (problem) {
      stats.rejected.push({ method: req.method, url: req.url, code: problem[1] });
      return xmlError(res, ...problem);
    }
    stats.verified += 1;
    if (op === 'UploadPart' && faults.fail_part && Number(query.get('partNumber')) === faults.fail_part)
      return xmlError(res, faults.status || 400, faults.code || 'InvalidArgument', `part ${faults.fail_part} refused by s3_sigv4_proxy`);
    if (op === 'ListObjectsV2' && faults.list_body !== undefined) {
      res.writeHead(faults.list_status || 200, { 'Content-Type': 'application/xml' });
      return res.end(faults.list_body);
    }

    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
    });
    up.on('error', (e) => xmlError(res, 502, 'InternalError', 'upstream: ' + e.message));
    up.end(body);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`s3_sigv4_proxy listening on 127.0.0.1:${port}, upstream ${upstream.href}`));
