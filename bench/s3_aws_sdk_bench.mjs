// The baseline of bench/load's s3 pair: @aws-sdk/client-s3 (from
// tests/peers) doing what bench/s3_plugin_bench.cpp does with the s3
// plugin, against the same s3rver: PUT or GET of objects of one size, by
// `concurrency` callers at once, for `seconds`. Keep-alive with one socket
// per caller, path-style, checksums only when required (the plugin sends
// none either; s3rver would store aws-chunked framing otherwise, PEERS.md).
//
//   node bench/s3_aws_sdk_bench.mjs ENDPOINT BUCKET put|get SIZE CONCURRENCY SECONDS
//
// Prints one JSON line: {"side":"aws-sdk","op","size","concurrency","ops","seconds","ops_per_s","errors"}.
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

// The SDK is installed in tests/peers, not next to this file.
const peers = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../tests/peers/package.json');
const require = createRequire(peers);
const { S3Client, PutObjectCommand, GetObjectCommand } = require('@aws-sdk/client-s3');
const { NodeHttpHandler } = require('@smithy/node-http-handler');

function usage(why) {
  console.error(`${why}\nusage: node bench/s3_aws_sdk_bench.mjs ENDPOINT BUCKET put|get SIZE CONCURRENCY SECONDS`);
  process.exit(2);
}

const [endpoint, bucket, op, sizeArg, concurrencyArg, secondsArg] = process.argv.slice(2);
const size = Number(sizeArg), concurrency = Number(concurrencyArg), seconds = Number(secondsArg);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint || '')) usage('ENDPOINT must be http://127.0.0.1:PORT');
if (!bucket) usage('BUCKET is missing');
if (op !== 'put' && op !== 'get') usage(`operation '${op}' is neither put nor get`);
if (!Number.isInteger(size) || size < 1 || size > 64 << 20) usage('SIZE must be 1 byte to 64 MiB');
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) usage('CONCURRENCY must be 1..256');
if (!(seconds > 0 && seconds <= 600)) usage('SECONDS must be more than 0 and at most 600');

const client = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  maxAttempts: 1,  // an error is counted, not hidden by a retry
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }) }),
});

const body = randomBytes(size);
// Each caller works on its own key, as the C++ side does.
const keyOf = (caller) => `bench/aws-sdk/${size}/${caller}`;

async function once(caller) {
  if (op === 'put') {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(caller), Body: body,
                                             ContentType: 'application/octet-stream' }));
    return;
  }
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(caller) }));
  let n = 0;
  for await (const chunk of r.Body) n += chunk.length;  // read and drop, as the C++ side's sink does
  if (n !== size) throw new Error(`GET ${keyOf(caller)} returned ${n} bytes, expected ${size}`);
}

async function main() {
  if (op === 'get') {  // the objects the callers read
    for (let c = 0; c < concurrency; ++c)
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(c), Body: body }));
  }
  for (let c = 0; c < concurrency; ++c) await once(c);  // warm-up: one connection per caller
  let ops = 0, errors = 0, firstError = '';
  const started = process.hrtime.bigint();
  const end = started + BigInt(Math.round(seconds * 1e9));
  const caller = async (c) => {
    while (process.hrtime.bigint() < end) {
      try {
        await once(c);
        ++ops;
      } catch (e) {
        if (!errors++) firstError = String(e && e.message ? e.message : e);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, c) => caller(c)));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ side: 'aws-sdk', op, size, concurrency, ops, seconds: elapsed,
                                        ops_per_s: ops / elapsed, errors, first_error: firstError }) + '\n');
  client.destroy();
}

main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
