// tests/mcp/sdk_client.mjs URL — the official MCP TypeScript SDK client
// (@modelcontextprotocol/sdk, Client + StreamableHTTPClientTransport) runs
// one whole session against a real nexusd serving the slow_tools fixture
// (tests/plugins/slow_tools) at URL: API key auth, initialize, paged
// tools/list, a call with progress, a cancelled call, a call past its
// deadline, logging levels, ping, error answers and the end of the session.
// Every check prints its name; the first failure prints why and exits 1.
// Started by sdk_client.sh, which owns nexusd and its config (mcp.page_size
// 1, so tools/list must page; mcp.request_timeout_ms 5000). What each check
// proves: tests/mcp/README.md.

import { setTimeout as sleep } from 'node:timers/promises';

// The SDK lives in tests/peers/node_modules, which Node's ESM resolution does
// not search from tests/mcp; import it by path.
const sdkDir = new URL('../peers/node_modules/@modelcontextprotocol/sdk/dist/esm/', import.meta.url);
const { Client } = await import(new URL('client/index.js', sdkDir));
const { StreamableHTTPClientTransport, StreamableHTTPError } = await import(new URL('client/streamableHttp.js', sdkDir));
const { LATEST_PROTOCOL_VERSION, LoggingMessageNotificationSchema } = await import(new URL('types.js', sdkDir));

// The API key (from the environment, never printed) goes on every request
// the transport makes: POST, GET and DELETE.
const apiKey = process.env.NEXUS_SDK_CLIENT_KEY;
if (!URL.canParse(process.argv[2] ?? '') || !apiKey) {
  console.error('usage: NEXUS_SDK_CLIENT_KEY=KEY node sdk_client.mjs http://127.0.0.1:PORT/mcp (see sdk_client.sh)');
  process.exit(2);
}
const url = new URL(process.argv[2]);
const clientInfo = { name: 'nexus-sdk-client-test', version: '1.0.0' };
const transportOptions = { requestInit: { headers: { 'X-API-Key': apiKey } } };

class CheckFailed extends Error {}
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}
async function check(name, body) {
  try {
    await body();
  } catch (e) {
    const why = e instanceof CheckFailed ? e.message : `unexpected ${e?.name ?? 'error'}: ${e?.message ?? e}`;
    console.log(`FAIL: ${name}: ${why}`);
    process.exit(1);
  }
  console.log(`ok: ${name}`);
}
const show = (value) => JSON.stringify(value);

// Everything the session's client reports through onerror, and every
// notification and result in arrival order, so checks can tell "before".
const clientErrors = [];
const timeline = [];
const logs = [];

const client = new Client(clientInfo);
client.onerror = (e) => clientErrors.push(String(e?.message ?? e));
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
  logs.push(n.params);
  timeline.push(`log: ${n.params.data}`);
});
const transport = new StreamableHTTPClientTransport(url, transportOptions);

// Calls slow_count and records its progress notifications and its result
// on the timeline.
async function countSlowly(args, options = {}) {
  const progress = [];
  const result = await client.callTool({ name: 'slow_count', arguments: args }, undefined, {
    ...options,
    onprogress: (p) => {
      progress.push(p);
      timeline.push('progress');
      options.onprogress?.(p);
    },
  });
  timeline.push('result');
  return { result, progress };
}

async function slowStatus(tag) {
  const r = await client.callTool({ name: 'slow_status', arguments: { tag } });
  expect(!r.isError, `slow_status for '${tag}' failed: ${show(r.content)}`);
  return r.structuredContent;
}

// ---- 0. the endpoint is guarded ----
await check('connect without the API key: refused with 401', async () => {
  const anonymous = new Client(clientInfo);
  anonymous.onerror = () => {}; // reported here too; the rejection below is what counts
  const outcome = await anonymous.connect(new StreamableHTTPClientTransport(url))
    .then(() => ({ connected: true }), (e) => ({ rejected: e }));
  await anonymous.close();
  expect(outcome.rejected, 'a client without the key connected');
  expect(outcome.rejected instanceof StreamableHTTPError && outcome.rejected.code === 401,
    `expected a StreamableHTTPError 401, got ${outcome.rejected.name} ${outcome.rejected.code}: ${outcome.rejected.message}`);
});

// ---- 1. connect: initialize + notifications/initialized ----
await check('connect: initialize and initialized succeed', () => client.connect(transport));
await check('connect: the newest protocol revision is negotiated', () => {
  expect(transport.protocolVersion === LATEST_PROTOCOL_VERSION,
    `negotiated ${show(transport.protocolVersion)}, the SDK's newest is ${LATEST_PROTOCOL_VERSION}`);
});
await check('connect: the server names itself and hands out a session id', () => {
  expect(client.getServerVersion()?.name === 'nexus', `serverInfo is ${show(client.getServerVersion())}`);
  expect(typeof transport.sessionId === 'string' && transport.sessionId.length > 0,
    `no MCP-Session-Id after initialize (${show(transport.sessionId)})`);
});
await check('connect: the server declares tools and logging', () => {
  const caps = client.getServerCapabilities() ?? {};
  expect(typeof caps.tools === 'object', `capabilities lack tools: ${show(caps)}`);
  expect(typeof caps.logging === 'object', `capabilities lack logging: ${show(caps)}`);
});

// ---- 2. tools/list, page by page ----
const tools = [];
let pages = 0;
await check('tools/list: follows nextCursor to the last page', async () => {
  let cursor;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor });
    pages += 1;
    tools.push(...page.tools);
    cursor = page.nextCursor;
    expect(pages <= 10, `still a nextCursor after ${pages} pages of ${tools.length} tools; the cursor does not advance`);
  } while (cursor !== undefined);
});
await check('tools/list: the server pages (mcp.page_size 1) and lists each tool once', () => {
  const names = tools.map((t) => t.name).sort();
  expect(pages === 2, `expected 2 pages of one tool, got ${pages} page(s): ${show(names)}`);
  expect(show(names) === show(['slow_count', 'slow_status']), `tools are ${show(names)}`);
});
await check('tools/list: every tool carries its input and output schemas', () => {
  for (const t of tools) {
    expect(t.inputSchema?.type === 'object', `${t.name} has inputSchema ${show(t.inputSchema)}`);
    expect(t.outputSchema?.type === 'object', `${t.name} has outputSchema ${show(t.outputSchema)}`);
  }
  const count = tools.find((t) => t.name === 'slow_count');
  expect(show(count.inputSchema.required) === show(['steps', 'step_ms']),
    `slow_count requires ${show(count.inputSchema.required)}`);
  expect(count.inputSchema.properties?.steps?.maximum === 10000, `slow_count.steps is ${show(count.inputSchema.properties?.steps)}`);
});

// ---- 3. progress before the result ----
await check('tools/call with onprogress: one increasing notification per step, all before the result', async () => {
  timeline.length = 0;
  const steps = 5;
  const { result, progress } = await countSlowly({ steps, step_ms: 20, tag: 'progress' });
  expect(!result.isError, `slow_count failed: ${show(result.content)}`);
  expect(result.structuredContent?.counted === steps, `structuredContent is ${show(result.structuredContent)}`);
  expect(progress.length === steps, `${progress.length} progress notifications for ${steps} steps: ${show(progress)}`);
  progress.forEach((p, i) => {
    expect(p.progress === i + 1 && p.total === steps, `notification ${i + 1} is ${show(p)}`);
  });
  const resultAt = timeline.indexOf('result');
  expect(timeline.slice(0, resultAt).filter((e) => e === 'progress').length === steps,
    `arrival order ${show(timeline)}: progress after the result`);
  const lost = clientErrors.filter((e) => e.includes('progress notification'));
  expect(lost.length === 0, `progress the client could not match to its call: ${show(lost)}`);
});

// ---- 4. cancellation reaches the plugin ----
// The cancelled call counts to this many steps, a number no other call uses,
// so what it sent before it learned of the cancellation can be told apart.
const cancelledSteps = 200;
await check('tools/call aborted mid-call: the SDK gives up on it', async () => {
  const controller = new AbortController();
  const call = countSlowly({ steps: cancelledSteps, step_ms: 50, tag: 'cancel' }, {
    signal: controller.signal,
    // Abort once the tool is surely running: after its first step.
    onprogress: () => controller.abort('the test cancels after the first step'),
  });
  const outcome = await call.then((r) => ({ resolved: r }), (e) => ({ rejected: e }));
  expect(outcome.rejected, `the aborted call resolved: ${show(outcome.resolved?.result)}`);
  expect(String(outcome.rejected.message).includes('the test cancels'), `rejected with ${outcome.rejected.message}`);
});
await check('cancellation: notifications/cancelled reached the tool, which stopped early', async () => {
  // The tool needs 200 x 50 ms if nobody tells it; told, it stops within a
  // poll. Wait until it stopped either way: only "cancelled" with fewer
  // steps than asked passes.
  let status = await slowStatus('cancel');
  for (let i = 0; status.state === 'running' && i < 600; i++) {
    await sleep(50);
    status = await slowStatus('cancel');
  }
  expect(status.state === 'cancelled', `slow_count ended '${status.state}' after ${status.steps_done} of ` +
    `${status.steps} steps; its call context never saw notifications/cancelled`);
  expect(status.steps_done >= 1 && status.steps_done < status.steps, `status ${show(status)}`);
});

await check('a call past mcp.request_timeout_ms: the tool sees its deadline and stops', async () => {
  // 10000 x 10 ms would take 100 s; sdk_client.sh sets a 5 s deadline.
  const { result } = await countSlowly({ steps: 10000, step_ms: 10, tag: 'deadline' });
  const text = result.content?.[0]?.text ?? '';
  expect(result.isError === true && text.includes('deadline'), `answered ${show(result)}`);
  const status = await slowStatus('deadline');
  expect(status.state === 'deadline_exceeded' && status.steps_done < status.steps, `status ${show(status)}`);
});

// ---- 5. logging levels and ping ----
// The log lines of the call that counts to `steps` (a line of the cancelled
// call may still be on its way).
const logsOfCall = (steps) => logs.filter((l) => String(l.data).endsWith(` of ${steps}`));
await check('logging/setLevel warning: the tool\'s info lines are filtered out', async () => {
  await client.setLoggingLevel('warning');
  logs.length = 0;
  const { result } = await countSlowly({ steps: 3, step_ms: 10, tag: 'quiet' });
  expect(!result.isError, `slow_count failed: ${show(result.content)}`);
  expect(logsOfCall(3).length === 0, `expected no log notification at level warning, got ${show(logs)}`);
});
await check('logging/setLevel info: one log notification per step, before the result', async () => {
  await client.setLoggingLevel('info');
  logs.length = 0;
  timeline.length = 0;
  const { result } = await countSlowly({ steps: 4, step_ms: 10, tag: 'loud' });
  expect(!result.isError, `slow_count failed: ${show(result.content)}`);
  const expected = [1, 2, 3, 4].map((i) => ({ level: 'info', logger: 'slow', data: `slow_count: step ${i} of 4` }));
  expect(show(logsOfCall(4)) === show(expected), `log notifications were ${show(logs)}`);
  const resultAt = timeline.indexOf('result');
  const late = expected.filter((l) => !timeline.slice(0, resultAt).includes(`log: ${l.data}`));
  expect(late.length === 0, `arrival order ${show(timeline)}: log lines after the result`);
});
await check('ping: answered with an empty result', async () => {
  const r = await client.ping();
  expect(r && typeof r === 'object' && Object.keys(r).length === 0, `ping answered ${show(r)}`);
});

// ---- 6. failures the client must be able to tell apart ----
await check('tools/call with arguments outside the inputSchema: an isError result', async () => {
  const r = await client.callTool({ name: 'slow_count', arguments: { steps: 0, step_ms: 10 } });
  const text = r.content?.[0]?.text ?? '';
  expect(r.isError === true, `steps 0 was accepted: ${show(r)}`);
  expect(text.includes("Invalid arguments for tool 'slow_count'") && text.includes('steps'), `the error says ${show(text)}`);
});
await check('tools/call of a tool that does not exist: JSON-RPC error -32602', async () => {
  const outcome = await client.callTool({ name: 'no_such_tool', arguments: {} })
    .then((r) => ({ resolved: r }), (e) => ({ rejected: e }));
  expect(outcome.rejected, `an unknown tool was answered: ${show(outcome.resolved)}`);
  expect(outcome.rejected.code === -32602 && outcome.rejected.message.includes('no_such_tool'),
    `rejected with ${outcome.rejected.code}: ${outcome.rejected.message}`);
});
await check('tools/call with a tag over its maxLength: an isError result', async () => {
  const r = await client.callTool({ name: 'slow_count', arguments: { steps: 1, step_ms: 0, tag: 'x'.repeat(65) } });
  expect(r.isError === true && (r.content?.[0]?.text ?? '').includes('tag'), `a 65-character tag was accepted: ${show(r)}`);
});
await check('slow_status of a tag never used: an isError result naming it', async () => {
  const r = await client.callTool({ name: 'slow_status', arguments: { tag: 'never-used' } });
  expect(r.isError === true && (r.content?.[0]?.text ?? '').includes("'never-used'"), `answered ${show(r)}`);
});

// MCP says a server SHOULD NOT answer a cancelled request; nexusd does not.
// An answer would reach the SDK as "Received a response for an unknown
// message ID" through onerror, several round trips after the cancellation,
// so by now it would have been seen: the check below counts it.
// Progress the cancelled call reported before the cancellation reached it
// may arrive after the SDK forgot the call (MCP allows that race).
const isStragglerProgress = (e) => {
  if (!e.startsWith('Received a progress notification for an unknown token')) return false;
  try {
    return JSON.parse(e.slice(e.indexOf('{'))).params?.total === cancelledSteps;
  } catch {
    return false;
  }
};
// Checked before the session ends: later errors are the SDK closing its streams.
await check('the session\'s client reported no other error (an answer to the cancelled call, GET stream, progress, parsing)', () => {
  const others = clientErrors.filter((e) => !isStragglerProgress(e));
  expect(others.length === 0, `onerror saw ${show(others)}`);
});

// ---- 7. the end of the session ----
const endedId = transport.sessionId;
await check('terminateSession: DELETE ends the session', async () => {
  await transport.terminateSession();
  expect(transport.sessionId === undefined, 'the transport still holds the session id');
  await client.close();
});
await check('ended session: a request with its id fails with 404', async () => {
  const stale = new StreamableHTTPClientTransport(url, { ...transportOptions, sessionId: endedId });
  const staleClient = new Client(clientInfo);
  staleClient.onerror = () => {}; // the 404 is reported here too; the rejection below is what counts
  await staleClient.connect(stale); // a transport with a session id skips initialize
  stale.setProtocolVersion(LATEST_PROTOCOL_VERSION);
  const outcome = await staleClient.ping().then((r) => ({ resolved: r }), (e) => ({ rejected: e }));
  await staleClient.close();
  expect(outcome.rejected, `ping on the ended session was answered: ${show(outcome.resolved)}`);
  expect(outcome.rejected instanceof StreamableHTTPError && outcome.rejected.code === 404,
    `expected a StreamableHTTPError 404, got ${outcome.rejected.name} ${outcome.rejected.code}: ${outcome.rejected.message}`);
});
await check('after a 404: a new session starts and works', async () => {
  const fresh = new Client(clientInfo);
  const freshTransport = new StreamableHTTPClientTransport(url, transportOptions);
  await fresh.connect(freshTransport);
  expect(freshTransport.sessionId && freshTransport.sessionId !== endedId, 'the new session reuses the ended id');
  await fresh.ping();
  await freshTransport.terminateSession();
  await fresh.close();
});
console.log('sdk_client.mjs: OK');
