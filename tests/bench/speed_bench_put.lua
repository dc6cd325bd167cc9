-- wrk script of tests/bench/speed_bench.sh: the seed's PUT .../domain/{id}/dcv/emails with its
-- headers and body, against the sandbox (the ceiling row). The key is read from the 0600 header
-- file named by SPEED_BENCH_KEY_HEADER ("X-DC-DEVKEY: KEY"), never from argv.
--   wrk -s speed_bench_put.lua https://localhost:PORT/services/v2 -- FIRST_ID DOMAINS
local first_id, domains = 8000000, 1
local key = nil

function init(args)
  first_id = tonumber(args[1]) or first_id
  domains = tonumber(args[2]) or domains
  local file = assert(io.open(os.getenv("SPEED_BENCH_KEY_HEADER"), "r"))
  key = file:read("*l"):match("^X%-DC%-DEVKEY: *(.-)%s*$")
  file:close()
end

local counter = 0
function request()
  local n = counter % domains
  counter = counter + 1
  local name = "d" .. n .. ".bench.example"
  local body = '{"name_scope":"' .. name .. '","locale":"en","email_array":["admin@' .. name .. '"]}'
  local path = wrk.path .. "/domain/" .. (first_id + n) .. "/dcv/emails"
  return wrk.format("PUT", path, {["Content-Type"] = "application/json", ["X-DC-DEVKEY"] = key}, body)
end
