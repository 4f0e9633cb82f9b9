// openai_server.mjs — an OpenAI-compatible transcription server for the
// openai plugin's tests (see the shared PEERS notes, "OpenAI-compatible").
// It checks what OpenAI checks and transcribes for real with pocketsphinx.
//
//   OPENAI_TEST_KEY=sk-test-... [OPENAI_TEST_GRAMMAR=g.jsgf] node openai_server.mjs PORT
//
// Routes:
//   POST /v1/audio/transcriptions          OpenAI: "Authorization: Bearer KEY"
//   POST /openai/deployments/NAME/audio/transcriptions?api-version=V
//                                          Azure OpenAI: "api-key: KEY"; api-version required
//   POST /__control                        test controls (below); JSON in, JSON out
//   GET  /__requests                       what the transcription routes received
//
// Checks, each answered in OpenAI's error format
// {"error": {"message", "type", "param", "code"}}:
//   401 no key / wrong key (invalid_api_key; the key is shown masked, as OpenAI does)
//   400 not multipart/form-data, no `file`, no `model`, unknown response_format,
//       timestamp_granularities[] without verbose_json, temperature outside 0..1,
//       language not ISO-639-1, a file whose extension OpenAI does not accept,
//       verbose_json with a gpt-4o model (OpenAI: json or text only)
//   404 unknown model (model_not_found); unknown route
//   413 file larger than OPENAI_TEST_MAX_FILE_BYTES (default 25 MiB, OpenAI's limit)
//
// Differences from OpenAI, on purpose:
//   - Only 16 kHz mono 16-bit PCM WAV is decoded (400 otherwise); OpenAI also
//     takes other rates, flac, mp3, m4a, ogg, webm.
//   - response_format srt and vtt are refused (400); OpenAI serves them.
//   - The decoder is pocketsphinx (English only, "language" is always
//     "english"); with OPENAI_TEST_GRAMMAR (a JSGF file) decodes are exact.
//     avg_logprob is the mean log of pocketsphinx's word posteriors; tokens
//     are empty; no_speech_prob and compression_ratio are fixed.
//   - Models known: whisper-1, gpt-4o-transcribe, gpt-4o-mini-transcribe.
//
// Test controls (POST /__control, all optional, off by default):
//   {"reset": true}                       forget recorded requests and pending controls
//   {"fail": {"count": N, "status": 429|500|503|..., "retry_after": "S",
//             "retry_after_ms": "MS", "code": "rate_limit_exceeded"}}
//                                         the next N transcription requests answer
//                                         this status (after the auth check)
//   {"delay": {"ms": D, "count": N}}      the next N requests (default: all) wait D ms
//                                         before answering
//   {"echo_key": true}                    401 messages show the whole key that was sent,
//                                         like a careless compatible server
//   {"canned": {"count": N, "status": S, "headers": {...}, "body": "..."}}
//                                         the next N transcription requests get exactly
//                                         this answer (after the key check): proxies'
//                                         HTML pages, redirects, non-transcriptions
// GET /__requests → [{received_ms, answered_ms, status, method, path, query,
//   auth: "bearer" | "api-key" | "none", auth_ok, content_type, fields: {name: value
//   or [values]}, file: {filename, type, size}}] — the key itself is never echoed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: OPENAI_TEST_KEY=KEY [OPENAI_TEST_GRAMMAR=G.jsgf] node openai_server.mjs PORT');
  process.exit(2);
}
const apiKey = process.env.OPENAI_TEST_KEY ?? '';
if (!apiKey) {
  console.error('openai_server: set OPENAI_TEST_KEY to the key clients must send');
  process.exit(2);
}
const grammar = process.env.OPENAI_TEST_GRAMMAR ?? '';
const maxFileBytes = Number(process.env.OPENAI_TEST_MAX_FILE_BYTES ?? 25 * 1024 * 1024);
// Multipart framing around the file; a body beyond this is refused unread.
const maxBodyBytes = maxFileBytes + 1024 * 1024;

const knownModels = new Set(['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe']);
const formats = new Set(['json', 'text', 'verbose_json']);
const openAiFormats = "'json', 'text', 'srt', 'verbose_json', and 'vtt'";
const fileExtensions = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];

const recorded = [];
let failures = null; // {count, status, retry_after, retry_after_ms, code}
let delay = null; // {ms, count}
let echoKey = false;
let canned = null; // {count, status, headers, body}

class ApiError extends Error {
  constructor(status, message, { type = 'invalid_request_error', param = null, code = null, headers = {} } = {}) {
    super(message);
    Object.assign(this, { status, type, param, code, headers });
  }
}

function sendJson(res, status, body, headers = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res, e) {
  sendJson(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code } }, e.headers);
}

// Reads the body; more than `limit` bytes is a 413 (as OpenAI), after the
// rest was read and dropped so the client sees the answer, not a reset.
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => {
      if (size > limit) {
        reject(new ApiError(413, `Maximum content size limit (${limit}) exceeded (${size} bytes read)`, { type: 'server_error' }));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
    req.on('close', () => reject(new Error('the client went away before sending the whole body')));
  });
}

// Reads and drops what is left of the request body (after an early error).
function drain(req) {
  if (req.complete || req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', resolve);
    req.on('close', resolve);
    req.resume();
  });
}

const masked = (key) => (key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`);

function checkAuth(req, azure, record) {
  const bearer = req.headers.authorization;
  const header = req.headers['api-key'];
  let presented = null;
  if (azure && header !== undefined) {
    record.auth = 'api-key';
    presented = header;
  } else if (bearer !== undefined) {
    record.auth = 'bearer';
    const m = /^Bearer (.+)$/.exec(bearer);
    presented = m ? m[1] : '';
  } else if (header !== undefined) {
    record.auth = 'api-key';
    presented = header;
  }
  record.auth_ok = presented === apiKey;
  if (record.auth_ok) return;
  if (presented === null) {
    throw new ApiError(401, azure
      ? 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
      : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  }
  const shown = echoKey ? presented : masked(presented);
  throw new ApiError(401, `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    { code: 'invalid_api_key' });
}

// 16 kHz mono 16-bit PCM WAV, or an ApiError saying what it is instead.
function checkWav(buf) {
  const notWav = () => new ApiError(400, 'Invalid file format: this test server decodes only 16 kHz mono 16-bit PCM WAV.', { param: 'file', code: 'invalid_value' });
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw notWav();
  let off = 12;
  let fmt = null;
  let dataBytes = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 24 <= buf.length) {
      fmt = { format: buf.readUInt16LE(off + 8), channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    } else if (id === 'data') {
      dataBytes = Math.min(size, buf.length - off - 8);
      break;
    }
    off += 8 + size + (size % 2);
  }
  if (!fmt || dataBytes === null) throw notWav();
  if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.channels !== 1 || fmt.rate !== 16000 || fmt.bits !== 16) {
    throw new ApiError(400, `This test server decodes only 16 kHz mono 16-bit PCM WAV; got format ${fmt.format}, ${fmt.rate} Hz, ${fmt.channels} channel(s), ${fmt.bits}-bit.`,
      { param: 'file', code: 'invalid_value' });
  }
  return { duration: dataBytes / (16000 * 2) };
}

function runDecoder(file) {
  const args = ['-infile', file, '-time', 'yes', '-logfn', '/dev/null'];
  if (grammar) args.push('-jsgf', grammar);
  return new Promise((resolve, reject) => {
    const p = spawn('pocketsphinx_continuous', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { err += c; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pocketsphinx_continuous exited ${code}: ${err}`))));
  });
}

// pocketsphinx -time yes prints, per utterance, its text on one line and
// then one "word start end posterior" line per word (fillers included).
function parseDecode(out) {
  const segments = [];
  let current = null;
  for (const line of out.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (!line.trim()) continue;
    const timed = parts.length === 4 && parts.slice(1).every((p) => /^-?[0-9.]+$/.test(p));
    if (!timed) {
      current = { text: line.trim(), words: [] };
      segments.push(current);
      continue;
    }
    if (!current) continue;
    const word = parts[0].replace(/\(\d+\)$/, '');
    if (/^<.*>$/.test(word) || /^\[.*\]$/.test(word) || /^\+\+.*\+\+$/.test(word)) continue; // <s>, <sil>, [NOISE]
    current.words.push({ word, start: Number(parts[1]), end: Number(parts[2]), posterior: Number(parts[3]) });
  }
  return segments.filter((s) => s.words.length > 0);
}

async function transcribe(file, granularities, temperature) {
  const dir = await mkdtemp(join(tmpdir(), 'openai-test-'));
  try {
    const path = join(dir, 'audio.wav');
    await writeFile(path, Buffer.from(await file.arrayBuffer()));
    const utterances = parseDecode(await runDecoder(path));
    const round = (x) => Math.round(x * 100) / 100;
    const segments = utterances.map((u, id) => {
      const logs = u.words.map((w) => Math.log(Math.max(w.posterior, 1e-6)));
      return {
        id, seek: 0, start: round(u.words[0].start), end: round(u.words[u.words.length - 1].end),
        text: ` ${u.words.map((w) => w.word).join(' ')}`, tokens: [], temperature,
        avg_logprob: logs.reduce((a, b) => a + b, 0) / logs.length, compression_ratio: 1.0, no_speech_prob: 0.0,
      };
    });
    const words = utterances.flatMap((u) => u.words.map((w) => ({ word: w.word, start: round(w.start), end: round(w.end) })));
    const text = utterances.map((u) => u.words.map((w) => w.word).join(' ')).join(' ');
    return { text, segments: granularities.has('segment') ? segments : undefined, words: granularities.has('word') ? words : undefined };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The answer to a valid request, {status?, headers, body}; an ApiError otherwise.
async function transcriptions(req, url, azure, record) {
  checkAuth(req, azure, record);
  if (azure && !url.searchParams.get('api-version')) {
    throw new ApiError(404, 'Resource not found', { code: '404' });
  }
  if (canned && canned.count > 0) {
    canned.count -= 1;
    await drain(req);
    return { status: canned.status ?? 200, headers: canned.headers ?? {}, body: canned.body ?? '' };
  }
  if (failures && failures.count > 0) {
    failures.count -= 1;
    const headers = {};
    if (failures.retry_after !== undefined) headers['retry-after'] = String(failures.retry_after);
    if (failures.retry_after_ms !== undefined) headers['retry-after-ms'] = String(failures.retry_after_ms);
    const rateLimited = failures.status === 429;
    const noQuota = failures.code === 'insufficient_quota';
    let message = 'The server had an error while processing your request. Sorry about that!';
    if (rateLimited) {
      message = noQuota
        ? 'You exceeded your current quota, please check your plan and billing details.'
        : 'Rate limit reached for whisper-1 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.';
    }
    throw new ApiError(failures.status, message,
    { type: noQuota ? 'insufficient_quota' : (rateLimited ? 'requests' : 'server_error'), code: failures.code ?? (rateLimited ? 'rate_limit_exceeded' : null), headers });
  }
  const contentType = req.headers['content-type'] ?? '';
  record.content_type = contentType;
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new ApiError(400, `Invalid Content-Type header (${contentType}), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')`);
  }
  const body = await readBody(req, maxBodyBytes);
  let form;
  try {
    form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch (e) {
    throw new ApiError(400, `Could not parse multipart form: ${e.message}`);
  }
  record.fields = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') {
      if (name === 'file') record.file = { filename: value.name, type: value.type, size: value.size };
      continue;
    }
    const prev = record.fields[name];
    record.fields[name] = prev === undefined ? value : [].concat(prev, value);
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new ApiError(400, "Missing required parameter: 'file'.", { param: 'file', code: 'missing_required_parameter' });
  const model = form.get('model');
  if (!model) throw new ApiError(400, "Missing required parameter: 'model'.", { param: 'model', code: 'missing_required_parameter' });
  if (!knownModels.has(model)) {
    throw new ApiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, { param: 'model', code: 'model_not_found' });
  }
  const format = form.get('response_format') ?? 'json';
  if (!formats.has(format)) {
    throw new ApiError(400, `Invalid value: '${format}'. Supported values are: ${openAiFormats}.`, { param: 'response_format', code: 'invalid_value' });
  }
  if (format === 'verbose_json' && model.startsWith('gpt-4o')) {
    throw new ApiError(400, `response_format 'verbose_json' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
      { param: 'response_format', code: 'unsupported_value' });
  }
  const granularities = new Set(form.getAll('timestamp_granularities[]'));
  for (const g of granularities) {
    if (g !== 'word' && g !== 'segment') throw new ApiError(400, `Invalid value: '${g}'. Supported values are: 'word' and 'segment'.`, { param: 'timestamp_granularities[]', code: 'invalid_value' });
  }
  if (granularities.size && format !== 'verbose_json') {
    throw new ApiError(400, "timestamp_granularities[] is only supported with response_format 'verbose_json'.", { param: 'timestamp_granularities[]', code: 'invalid_value' });
  }
  const temperatureText = form.get('temperature');
  const temperature = temperatureText === null ? 0 : Number(temperatureText);
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > 1) {
    throw new ApiError(400, `Invalid 'temperature': expected a number from 0 to 1, got '${temperatureText}'.`, { param: 'temperature', code: 'invalid_value' });
  }
  const language = form.get('language');
  if (language !== null && !/^[a-z]{2}$/.test(language)) {
    throw new ApiError(400, `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`, { param: 'language', code: 'invalid_language_format' });
  }
  const extension = (file.name ?? '').split('.').pop().toLowerCase();
  if (!fileExtensions.includes(extension)) {
    throw new ApiError(400, `Invalid file format. Supported formats: ${JSON.stringify(fileExtensions)}`, { param: 'file', code: 'invalid_value' });
  }
  if (file.size > maxFileBytes) {
    throw new ApiError(413, `Maximum content size limit (${maxFileBytes}) exceeded (${file.size} bytes read)`, { type: 'server_error' });
  }
  const { duration } = checkWav(Buffer.from(await file.arrayBuffer()));
  if (!granularities.size) granularities.add('segment'); // OpenAI's default for verbose_json
  const t = await transcribe(file, granularities, temperature);
  if (format === 'text') return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${t.text}\n` };
  if (format === 'json') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: t.text }) };
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'transcribe', language: 'english', duration, text: t.text, segments: t.segments, words: t.words }),
  };
}

async function control(req, res) {
  const body = JSON.parse((await readBody(req, 65536)).toString('utf8') || '{}');
  if (body.reset) {
    recorded.length = 0;
    failures = null;
    delay = null;
    echoKey = false;
    canned = null;
  }
  if (body.fail) failures = { ...body.fail, count: body.fail.count ?? 1 };
  if (body.delay) delay = { ms: body.delay.ms, count: body.delay.count ?? Infinity };
  if (body.echo_key !== undefined) echoKey = Boolean(body.echo_key);
  if (body.canned) canned = { ...body.canned, count: body.canned.count ?? 1 };
  sendJson(res, 200, { failures, delay, echo_key: echoKey, canned });
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://local');
  if (url.pathname === '/__control' && req.method === 'POST') {
    control(req, res).catch((e) => sendJson(res, 400, { error: String(e?.message ?? e) }));
    return;
  }
  if (url.pathname === '/__requests' && req.method === 'GET') {
    sendJson(res, 200, recorded);
    return;
  }
  const openai = url.pathname === '/v1/audio/transcriptions';
  const azure = /^\/openai\/deployments\/[^/]+\/audio\/transcriptions$/.test(url.pathname);
  const record = {
    received_ms: Date.now(), method: req.method, path: url.pathname, query: url.search.slice(1), auth: 'none', auth_ok: false,
  };
  recorded.push(record);
  const delayMs = delay && delay.count > 0 ? delay.ms : 0;
  if (delayMs) delay.count -= 1;
  const work = (openai || azure) && req.method === 'POST'
    ? transcriptions(req, url, azure, record)
    : Promise.reject(new ApiError(404, `Invalid URL (${req.method} ${url.pathname})`));
  work
    .then((answer) => ({ answer }), (error) => ({ error }))
    .then(async ({ answer, error }) => {
      await drain(req);
      if (delayMs) await sleep(delayMs);
      record.answered_ms = Date.now();
      if (answer) {
        record.status = answer.status ?? 200;
        if (res.destroyed) return;
        res.writeHead(record.status, answer.headers);
        res.end(answer.body);
        return;
      }
      if (error instanceof ApiError) {
        record.status = error.status;
        sendError(res, error);
        return;
      }
      record.status = 500;
      console.error(error);
      sendError(res, new ApiError(500, `test server failure: ${error?.message ?? error}`, { type: 'server_error' }));
    });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`openai_server: http://127.0.0.1:${port} (grammar: ${grammar || 'none'})`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
