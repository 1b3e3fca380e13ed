-- wrk script for bench/load.sh: POST /v1/messages with a fixed JSON body, each request from the
-- next caller of a file of distinct addresses, sent as X-Forwarded-For (the demo trusts loopback).
-- Arguments (after --): CALLERS_FILE BODY_FILE START_OFFSET
-- done() prints one machine-readable RESULT line.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  callers = {}
  for line in io.lines(args[1]) do
    callers[#callers + 1] = line
  end
  local file = assert(io.open(args[2], "rb"))
  body = file:read("*a")
  file:close()
  -- Threads start far apart; rounds start at different places, so every round sees callers the
  -- server has not just cached.
  local offset = tonumber(args[3] or "0")
  next_caller = (offset + id * math.floor(#callers / 16)) % #callers
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  next_caller = next_caller % #callers + 1
  headers["X-Forwarded-For"] = callers[next_caller]
  return wrk.format("POST", "/v1/messages", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status, e.connect + e.read + e.write + e.timeout))
end
