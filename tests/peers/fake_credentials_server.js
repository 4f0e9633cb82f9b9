#!/usr/bin/env node
// Loopback stand-in for the two AWS credential endpoints a process finds
// on AWS, for the s3 plugin's credentials-chain tests:
//   node fake_credentials_server.js PORT     (127.0.0.1 only)
//
// ECS container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/ecs/creds):
//   GET /ecs/creds[?ttl=SECONDS]  requires "Authorization: ecs-secret-token"
//   (AWS_CONTAINER_AUTHORIZATION_TOKEN), answers the credentials JSON.
// EC2 IMDSv2 (base http://127.0.0.1:PORT), checked as the real one checks:
//   PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds in
//     1..21600 (400 otherwise) and refuses X-Forwarded-For (403);
//   GET /latest/meta-data/iam/security-credentials/ and .../<role> need a
//     valid X-aws-ec2-metadata-token (401 otherwise).
// GET /__stats answers the request counts as JSON.
// Credentials served: S3RVER / S3RVER (what s3rver accepts), with a token.
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node fake_credentials_server.js PORT');
  process.exit(2);
}
const ROLE = 'nexus-test-role';
const ECS_TOKEN = 'ecs-secret-token';
const tokens = new Set();
const stats = { ecs: 0, ecs_rejected: 0, imds_token: 0, imds_token_rejected: 0, imds_role: 0, imds_creds: 0, imds_rejected: 0 };

function creds(ttlSeconds, token) {
  return JSON.stringify({
    Code: 'Success',
    Type: 'AWS-HMAC',
    AccessKeyId: 'S3RVER',
    SecretAccessKey: 'S3RVER',
    Token: token,
    LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Expiration: new Date(Date.now() + ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const send = (status, body, type = 'text/plain') => {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.end(body);
  };
  req.resume();
  if (url.pathname === '/__stats') return send(200, JSON.stringify(stats), 'application/json');

  if (url.pathname === '/ecs/creds' && req.method === 'GET') {
    if (req.headers['authorization'] !== ECS_TOKEN) {
      stats.ecs_rejected++;
      return send(401, 'missing or wrong Authorization token');
    }
    stats.ecs++;
    return send(200, creds(Number(url.searchParams.get('ttl') || 3600), 'ecs-session-token'), 'application/json');
  }

  if (url.pathname === '/latest/api/token') {
    if (req.method !== 'PUT') return send(405, 'token must be requested with PUT');
    if (req.headers['x-forwarded-for']) return send(403, 'forwarded requests are refused');
    const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) {
      stats.imds_token_rejected++;
      return send(400, 'X-aws-ec2-metadata-token-ttl-seconds must be 1..21600');
    }
    stats.imds_token++;
    const token = 'imds-' + Math.random().toString(36).slice(2);
    tokens.add(token);
    res.setHeader('X-aws-ec2-metadata-token-ttl-seconds', String(ttl));
    return send(200, token);
  }

  const prefix = '/latest/meta-data/iam/security-credentials/';
  if (url.pathname.startsWith(prefix) && req.method === 'GET') {
    if (!tokens.has(req.headers['x-aws-ec2-metadata-token'])) {
      stats.imds_rejected++;
      return send(401, 'IMDSv2 token required');
    }
    const role = url.pathname.slice(prefix.length);
    if (role === '') {
      stats.imds_role++;
      return send(200, ROLE);
    }
    if (role !== ROLE) return send(404, 'no such role');
    stats.imds_creds++;
    return send(200, creds(6 * 3600, 'imds-session-token'), 'application/json');
  }
  send(404, 'not found');
}).listen(port, '127.0.0.1', () => console.log(`fake_credentials_server listening on 127.0.0.1:${port}`));
