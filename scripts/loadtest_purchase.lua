-- wrk script for `make loadtest`: POST /api/customer-purchase/<customer> with one line
-- [{"item": <id>, "quantity": 1}], every request a (customer, item) pair never sent before
-- (the same item twice on one open invoice is refused by design).
--
-- Arguments (after `--`): <auth header value> <comma-separated customer ids>
--                         <comma-separated item ids> <number of wrk threads>
-- Pairs are numbered 0 .. C*I-1 and split between threads (pair = thread + k * threads);
-- pair p goes to customer c = p % C and item (p // C + c // 2) % I: each round of C requests
-- gives every customer one new item, and two customers (2k, 2k+1: adjacent, so concurrent
-- requests) race for the same item, which is what could oversell if locking were wrong.
-- scripts/loadtest_db.py seeds items 0-4 with a stock of 1, so the first rounds meet a few
-- 409s (25 in all). A thread stops sending when its pairs run out.
-- done() prints one line "LOADTEST_STATUS {"201": n, "409": m, ...} exhausted=<threads>".

local threads = {}
local counter = 1

function setup(thread)
  thread:set("thread_index", counter - 1)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(text)
  local out = {}
  for value in string.gmatch(text, "[^,]+") do
    table.insert(out, value)
  end
  return out
end

function init(args)
  auth = args[1]
  customers = split(args[2])
  items = split(args[3])
  threads_total = tonumber(args[4])  -- threads start before the next one's setup() runs
  sent = 0
  statuses = {}
  exhausted = 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = auth
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  local pair = thread_index + sent * threads_total
  local c_count, i_count = #customers, #items
  if pair >= c_count * i_count then
    exhausted = 1
    wrk.thread:stop()
    pair = thread_index  -- a last request is still sent; it lands in the status counts
  end
  sent = sent + 1
  local c = pair % c_count
  local i = (math.floor(pair / c_count) + math.floor(c / 2)) % i_count
  local body = '[{"item": ' .. items[i + 1] .. ', "quantity": 1}]'
  return wrk.format(nil, "/api/customer-purchase/" .. customers[c + 1], nil, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local stopped = 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for key, value in pairs(counts) do
      total[key] = (total[key] or 0) + value
    end
    stopped = stopped + thread:get("exhausted")
  end
  local parts = {}
  for key, value in pairs(total) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  io.write(string.format("LOADTEST_STATUS {%s} exhausted=%d\n", table.concat(parts, ", "), stopped))
end
