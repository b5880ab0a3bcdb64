-- Free-ticket orders on one event until it is sold out: each buyer one ticket. The
-- harness stops wrk half a second after the last seat is gone (a thread that stopped
-- itself would drop the answers still on their way on its other connections).
dofile(os.getenv("BENCH_LUA_DIR") .. "/stats.lua")

local type_id = os.getenv("BENCH_TYPE_ID")
local n = 0

function init(args)
   wrk.method = "POST"
   wrk.path = os.getenv("BENCH_PATH")
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   local body = string.format(
      '{"buyer": {"name": "Bench Buyer", "email": "buyer-%d-%d@example.org"}, ' ..
      '"items": [{"ticket_type": %s, "quantity": 1}]}', id, n, type_id)
   return wrk.format(nil, nil, nil, body)
end

function classify(status, body)
   if status == 201 then
      return "ordered"
   elseif status == 409 then
      return "sold_out"
   end
   return "status_" .. status
end
