-- wrk script for bench/longtail.sh: requests the paths of PATHS_FILE (one a
-- line) in the file's order, cycling, so that every run sees the same
-- sequence, accepting gzip. Thread k of WRK_THREADS takes lines START + k, START + k +
-- WRK_THREADS, … : together the threads walk the list in order. Counts the
-- X-Cache header's values (the app's HIT or MISS, or the edge cache's) and
-- prints a JSON summary at the end, with "x_cache" and "responses" added to
-- what bench/wrk.lua prints.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

local paths = {}
local cursor, step

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do
    paths[#paths + 1] = line
  end
  step = tonumber(os.getenv("WRK_THREADS"))
  cursor = (tonumber(os.getenv("START") or "0") + id - 1) % #paths
  -- Globals, so that done() can read them with thread:get().
  responses = 0
  x_cache = {}
end

function request()
  local path = paths[cursor + 1]
  cursor = (cursor + step) % #paths
  -- As every browser does: stored pages are sent gzipped.
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  responses = responses + 1
  for name, value in pairs(headers) do
    if name:lower() == "x-cache" then
      x_cache[value] = (x_cache[value] or 0) + 1
      break
    end
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local seen, counted = {}, 0
  for _, thread in ipairs(threads) do
    counted = counted + thread:get("responses")
    for value, count in pairs(thread:get("x_cache")) do
      seen[value] = (seen[value] or 0) + count
    end
  end
  local values = {}
  for value, count in pairs(seen) do
    values[#values + 1] = json_string(value) .. ": " .. count
  end
  local errors = summary.errors
  io.write(string.format(
    '{"rps": %.1f, "p99_ms": %.2f, "median_ms": %.2f, "requests": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d, "responses": %d, "x_cache": {%s}}\n',
    summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, latency:percentile(50) / 1000, summary.requests,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    counted, table.concat(values, ", ")))
end
