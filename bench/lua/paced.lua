-- Each connection is one attendee's browser: it waits about POLL_MS between requests, as the
-- page's timer does, and the first request of each is spread over one interval so the room does
-- not poll in lockstep. The path and interval come from the environment (bench/wrk.py).
local interval = tonumber(os.getenv("BENCH_POLL_MS") or "1000")
local per_thread = tonumber(os.getenv("BENCH_CONNECTIONS_PER_THREAD") or "0")
local started = 0

function delay()
  if started < per_thread then
    started = started + 1
    return math.random(0, interval)
  end
  return math.floor(interval * (0.9 + 0.2 * math.random()))
end
