-- wrk script of run-throughput.sh: tools/call "echo" as plain JSON (Accept: application/json) on pre-opened
-- sessions, one session per wrk thread (SESSIONS: space-separated ids), each request with an id of its own.
local counter = 1
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local sessions = {}
  for id in string.gmatch(os.getenv("SESSIONS"), "%S+") do table.insert(sessions, id) end
  session = sessions[((tid - 1) % #sessions) + 1]
  calls = 0
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Mcp-Session-Id"] = session
  wrk.headers["Mcp-Protocol-Version"] = "2025-06-18"
  local auth = os.getenv("AUTH") or ""
  if auth ~= "" then wrk.headers["Authorization"] = (auth:gsub("^Authorization:%s*", "")) end
end

function request()
  calls = calls + 1
  local body = '{"jsonrpc":"2.0","id":"t' .. tid .. '-' .. calls ..
    '","method":"tools/call","params":{"name":"echo","arguments":{"message":"ping"}}}'
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "Echo: ping", 1, true) then
    failed = (failed or 0) + 1
    if failed == 1 then io.stderr:write("unexpected answer " .. status .. ": " .. body .. "\n") end
  end
end
