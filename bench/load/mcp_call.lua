-- wrk script: MCP tools/call of the echo tool in an existing session.
-- The session is opened beforehand (bench/load/mcp_session.py); its id, the
-- negotiated protocol version and the API key come from the environment.
-- Every request has its own JSON-RPC id: a server may refuse an id that is
-- already in flight in the session.
local session = os.getenv("MCP_SESSION_ID")
local version = os.getenv("MCP_PROTOCOL_VERSION")
local api_key = os.getenv("MCP_API_KEY")
local tool = os.getenv("MCP_TOOL") or "echo"
-- MCP_CHECK=0: do not look at the answers (bench/load/mcp_floor.py sends
-- these very bytes where no MCP endpoint answers them).
local check = os.getenv("MCP_CHECK") ~= "0"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json, text/event-stream",
  ["Mcp-Session-Id"] = session,
  ["MCP-Protocol-Version"] = version,
}
if api_key and api_key ~= "" then headers["X-API-Key"] = api_key end

-- Headers given to wrk with -H (e.g. Connection: keep-alive) too.
function init(args)
  for name, value in pairs(wrk.headers) do
    if headers[name] == nil then headers[name] = value end
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"jsonrpc":"2.0","id":"%s-%d","method":"tools/call","params":{"name":"%s","arguments":{"text":"hello"}}}',
    tid, counter, tool)
  return wrk.format("POST", nil, headers, body)
end

-- A JSON-RPC error still answers 200: count answers without the echoed
-- text too, and print the total for bench/load/wrk.py.
bad = 0
function response(status, hdrs, body)
  if check and (status ~= 200 or not string.find(body, "hello", 1, true)) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("bad_answers: %d\n", total))
end
