-- wrk script for bench/load.sh: requests a random path from PATHS_FILE (one
-- path a line), accepting gzip, sends COOKIE if set, adds a query parameter the views do not
-- read if UNIQUE is set (so the page cache neither has nor keeps the page),
-- and prints a JSON summary at the end (socket_errors counts timeouts too).
local paths = {}

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring(paths):sub(-6), 16))
end

local cookie = os.getenv("COOKIE")
local unique = os.getenv("UNIQUE") == "1"
local sent = 0

function request()
  -- As every browser does: stored pages are sent gzipped.
  local headers = { ["Accept-Encoding"] = "gzip" }
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  local path = paths[math.random(#paths)]
  if unique then
    sent = sent + 1
    path = path .. "?visit=" .. sent .. "-" .. math.random(1000000000)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"rps": %.1f, "p99_ms": %.2f, "median_ms": %.2f, "requests": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, latency:percentile(50) / 1000, summary.requests,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    errors.timeout))
end
