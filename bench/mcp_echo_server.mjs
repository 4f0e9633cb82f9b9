// The baseline of bench/load's MCP pair: the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk, from tests/peers) serving the same echo tool
// as bench/plugins/echo_c over Streamable HTTP, stateful (a session per
// initialize, like nexusd), answering tools/call as an SSE stream (the SDK's
// default, and what nexusd does).
//
//   node bench/mcp_echo_server.mjs PORT
//
// Listens on 127.0.0.1 only; prints "listening" when ready.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// The SDK is installed in tests/peers, not next to this file.
const peers = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../tests/peers/package.json');
const require = createRequire(peers);
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { isInitializeRequest } = require('@modelcontextprotocol/sdk/types.js');
const { z } = require('zod');

const MAX_BODY_BYTES = 1 << 20;
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node bench/mcp_echo_server.mjs PORT (1..65535)');
  process.exit(2);
}

function newServer() {
  const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Returns its text argument', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const transports = new Map();  // session id -> transport

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body over 1 MiB'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); }
    });
    req.on('error', reject);
  });
}

function fail(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

const http = createServer(async (req, res) => {
  if (req.url !== '/mcp') return fail(res, 404, 'only /mcp is served');
  const sid = req.headers['mcp-session-id'];
  try {
    if (req.method !== 'POST') {
      const t = sid && transports.get(sid);
      return t ? t.handleRequest(req, res) : fail(res, 400, 'no such session');
    }
    const body = await readJson(req);
    let transport = sid && transports.get(sid);
    if (!transport) {
      if (sid || !isInitializeRequest(body)) return fail(res, 400, 'no such session; send initialize first');
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) fail(res, 400, `bad request: ${e.message}`);
  }
});
http.keepAliveTimeout = 60_000;
http.listen(port, '127.0.0.1', () => console.log('listening'));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
