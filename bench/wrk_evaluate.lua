-- wrk script of riskd_bench api/memory: POST /v1/accounts/<id>/evaluate as
-- the support role with the SPEC section 1 request, for a random account:
-- one of the ids listed in $RISKD_BENCH_ACCOUNTS (a file, one per line), or
-- acct-<0..$RISKD_BENCH_ACCOUNT_COUNT-1>. done() prints one JSON line.
wrk.method = "POST"
wrk.body = '{"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("RISKD_TOKEN")

local ids = {}
local file = os.getenv("RISKD_BENCH_ACCOUNTS")
if file then
  for line in io.lines(file) do ids[#ids + 1] = line end
end
local count = tonumber(os.getenv("RISKD_BENCH_ACCOUNT_COUNT") or "0")

request = function()
  local id
  if #ids > 0 then id = ids[math.random(1, #ids)] else id = "acct-" .. math.random(0, count - 1) end
  return wrk.format(nil, "/v1/accounts/" .. id .. "/evaluate")
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"requests_per_second":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,"errors":%d,"non_2xx":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
