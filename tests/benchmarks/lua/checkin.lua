-- The gate: each thread scans its own share of the ticket codes once, in order. Some
-- scans are a second scan of a ticket already let in (a new scan id: it must be refused
-- as a duplicate), and some are a retry of an earlier scan whose answer the scanner did
-- not get (the same scan id: it must get the same answer again). A retry repeats a scan
-- from well before (a real scanner retries after a timeout, not while the first attempt
-- is still on its way). When its share is done, a thread scans tickets already in again,
-- each time as a new scan, until the harness stops wrk.
dofile(os.getenv("BENCH_LUA_DIR") .. "/stats.lua")

local slug = os.getenv("BENCH_EVENT")
local door = os.getenv("BENCH_DOOR_CODE")
local run = os.getenv("BENCH_RUN")
local codes = {}
local next_code, scans = 1, 0
local last_code = nil
local sent = {}  -- the bodies of this thread's first scans, in order
local RETRY_DISTANCE = 200

function init(args)
   local threads, i = tonumber(os.getenv("BENCH_THREADS")), 0
   math.randomseed(os.time() * 100 + id)
   for line in io.lines(os.getenv("BENCH_CODES")) do
      if i % threads == id then
         table.insert(codes, line)
      end
      i = i + 1
   end
   wrk.method = "POST"
   wrk.path = "/api/v1/checkin"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer door_" .. door
end

local function body(code, scan_id)
   return string.format('{"secret": "%s", "event": "%s", "gate": "Gate %d", "scan_id": "%s"}',
      code, slug, id % 3, scan_id)
end

local function new_scan(code)
   return body(code, string.format("%s-%d-%d", run, id, scans))
end

function request()
   scans = scans + 1
   local roll = math.random(100)
   if last_code and roll <= 4 then
      -- a second scan of a ticket already through the gate
      return wrk.format(nil, nil, nil, new_scan(last_code))
   elseif roll <= 5 and #sent > RETRY_DISTANCE then
      -- the scanner retries a scan whose answer it did not get
      return wrk.format(nil, nil, nil, sent[#sent - RETRY_DISTANCE])
   end
   if next_code > #codes then
      -- this thread's share is done: people already in show their ticket again
      return wrk.format(nil, nil, nil, new_scan(codes[math.random(#codes)]))
   end
   last_code = codes[next_code]
   next_code = next_code + 1
   local scan = new_scan(last_code)
   table.insert(sent, scan)
   return wrk.format(nil, nil, nil, scan)
end

function classify(status, body)
   if status ~= 200 then
      return "status_" .. status
   end
   local result = string.match(body, '"result":%s*"([a-z_]+)"')
   if string.find(body, '"replayed":%s*true') then
      return "replayed_" .. (result or "unknown")
   end
   return result or "unreadable"
end
