#!/usr/bin/env node
// A tiny S3 look-alike that fails on purpose, for the s3 plugin's retry
// tests:  node flaky_s3_server.js PORT   (listens on 127.0.0.1 only)
//
// The object key names the script: a request for /BUCKET/seq/503,503,200
// is answered 503, then 503, then 200 (the last status repeats). Counts
// are per method + path; GET /__count?path=/BUCKET/seq/... answers
// {"GET": n, "HEAD": m, ...}. Like S3 it refuses requests without an
// AWS4-HMAC-SHA256 Authorization or x-amz-content-sha256 header (400).
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node flaky_s3_server.js PORT');
  process.exit(2);
}
const counts = new Map();  // path -> {METHOD: n}
const body200 = 'hello from flaky';
const codes = { 400: 'InvalidArgument', 403: 'AccessDenied', 429: 'SlowDown', 500: 'InternalError', 503: 'SlowDown' };

function xmlError(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>flaky</RequestId></Error>`;
}

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/__count') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(counts.get(url.searchParams.get('path')) || {}));
    return;
  }
  req.resume();
  req.on('end', () => {
    const path = decodeURIComponent(url.pathname);
    const c = counts.get(path) || {};
    c[req.method] = (c[req.method] || 0) + 1;
    counts.set(path, c);
    const auth = req.headers['authorization'] || '';
    if (!auth.startsWith('AWS4-HMAC-SHA256 Credential=') || !req.headers['x-amz-content-sha256']) {
      res.statusCode = 400;
      res.end(xmlError('InvalidRequest', 'missing SigV4 Authorization or x-amz-content-sha256'));
      return;
    }
    const m = /\/seq\/([0-9,]+)$/.exec(path);
    const seq = m ? m[1].split(',').map(Number) : [200];
    const status = seq[Math.min(c[req.method], seq.length) - 1];
    res.statusCode = status;
    if (status === 200) {
      res.setHeader('Content-Type', 'text/plain');
      res.setHeader('ETag', '"0123abcd"');
      res.setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT');
      res.setHeader('Content-Length', Buffer.byteLength(body200));
      res.end(req.method === 'HEAD' ? undefined : body200);
      return;
    }
    if (status === 503 || status === 429) res.setHeader('Retry-After', '0');
    res.setHeader('Content-Type', 'application/xml');
    res.end(req.method === 'HEAD' ? undefined : xmlError(codes[status] || 'Error' + status, 'scripted failure ' + status));
  });
}).listen(port, '127.0.0.1', () => console.log(`flaky_s3_server listening on 127.0.0.1:${port}`));
