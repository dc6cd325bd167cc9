-- wrk script of tests/bench/speed_bench.sh: POST /v1/tasks to taskhost serve's opt-in loopback
-- TCP listener, one DCV resend per request (check_recipients false: one PUT, as curl). The
-- bearer token is read from the 0600 file named by SPEED_BENCH_TOKEN_FILE, never from argv.
--   wrk -s speed_bench_task.lua http://127.0.0.1:PORT -- FIRST_ID DOMAINS
local first_id, domains = 8000000, 1
local token = nil

function init(args)
  first_id = tonumber(args[1]) or first_id
  domains = tonumber(args[2]) or domains
  local file = assert(io.open(os.getenv("SPEED_BENCH_TOKEN_FILE"), "r"))
  token = file:read("*l"):match("^%s*(.-)%s*$")
  file:close()
end

local counter = 0
function request()
  local n = counter % domains
  counter = counter + 1
  local name = "d" .. n .. ".bench.example"
  local body = '{"task":"digicert.dcv.resend","account":"bench","params":{"domain_id":' .. (first_id + n) ..
    ',"name_scope":"' .. name .. '","locale":"en","email_array":["admin@' .. name .. '"],"check_recipients":false}}'
  return wrk.format("POST", "/v1/tasks",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
