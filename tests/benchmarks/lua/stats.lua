-- Shared by every scenario: count answers per kind in each thread, and print one line
-- of figures (BENCH {...}) that the harness reads. A scenario sets `classify(status,
-- body)` to name an answer; without it, 2xx and 3xx answers are "ok".
threads = {}
counts = {}

function count(name)
   counts[name] = (counts[name] or 0) + 1
end

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function response(status, headers, body)
   if classify then
      count(classify(status, body))
   elseif status < 400 then
      count("ok")
   else
      count("status_" .. status)
   end
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local mine = thread:get("counts")
      for name, n in pairs(mine or {}) do
         totals[name] = (totals[name] or 0) + n
      end
   end
   local parts = {}
   for name, n in pairs(totals) do
      table.insert(parts, string.format('"%s": %d', name, n))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
      '"socket_errors": %d, "counts": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
