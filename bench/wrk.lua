-- Logged in by BENCH_COOKIE; stops each thread after BENCH_MAX_REQUESTS / threads responses,
-- so a run is bounded in requests as well as by wrk's --duration. Prints one JSON line.
local cookie = os.getenv("BENCH_COOKIE")
local limit = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local seen = 0

wrk.headers["Cookie"] = cookie
wrk.headers["Accept-Language"] = "nb"

function response(status, headers, body)
  seen = seen + 1
  if limit > 0 and seen >= limit / threads then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
