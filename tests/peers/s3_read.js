#!/usr/bin/env node
// Reads one object with the AWS SDK for JavaScript v3 (@aws-sdk/client-s3)
// and prints {"sha256","size","content_type","metadata"} as JSON: an
// independent client's view of what the s3 plugin wrote.
//   S3_ENDPOINT=http://127.0.0.1:PORT node s3_read.js BUCKET KEY
// Credentials S3RVER/S3RVER, region us-east-1, path-style. Checksums only
// when required, or s3rver-era servers see aws-chunked framing.
'use strict';
const crypto = require('crypto');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');

async function main() {
  const [bucket, key] = process.argv.slice(2);
  const endpoint = process.env.S3_ENDPOINT;
  if (!bucket || !key || !endpoint) {
    console.error('usage: S3_ENDPOINT=http://127.0.0.1:PORT node s3_read.js BUCKET KEY');
    process.exit(2);
  }
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await r.Body.transformToByteArray());
  process.stdout.write(JSON.stringify({
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    content_type: r.ContentType,
    metadata: r.Metadata || {},
  }) + '\n');
}
main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
