-- wrk script for bench/serve-compare.sh and bench/hot-swap.sh: POSTs the JSON body in $WRK_BODY to $WRK_PATH,
-- counts failed responses (and, with WRK_TRACK_VERSIONS=1, the model_version each names), and prints one JSON summary line at the end.
local body_file = os.getenv("WRK_BODY")
local f = assert(io.open(body_file, "rb"), "WRK_BODY must name the request body file")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.path = os.getenv("WRK_PATH") or "/v2/models/fashion/infer"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("WRK_TOKEN") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN") end
local track = os.getenv("WRK_TRACK_VERSIONS") == "1"

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  ok, bad, ambiguous, versions = 0, 0, 0, {}
end

-- Only when versions are tracked: with a response() defined, wrk hands every response to Lua, which took CPU from
-- the server on a shared 2-core machine (bench/RESULTS.md); without it, wrk's own count of 4xx/5xx gives the failures.
if track then
  function response(status, headers, body)
    if status ~= 200 then bad = bad + 1; return end
    ok = ok + 1
    local count, seen = 0, nil
    for v in string.gmatch(body, '"model_version":"([^"]*)"') do count = count + 1; seen = v end
    if count ~= 1 then ambiguous = ambiguous + 1 else versions[seen] = (versions[seen] or 0) + 1 end
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_ambiguous, all = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    total_ambiguous = total_ambiguous + t:get("ambiguous")
    for v, n in pairs(t:get("versions")) do all[v] = (all[v] or 0) + n end
  end
  local parts = {}
  for v, n in pairs(all) do table.insert(parts, string.format('"%s":%d', v, n)) end
  local e = summary.errors
  if not track then total_ok, total_bad = summary.requests - e.status, e.status end
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"ok":%d,"non_200":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"ambiguous":%d,"versions":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    total_ok, total_bad, e.connect, e.read, e.write, e.timeout, total_ambiguous, table.concat(parts, ",")))
end
