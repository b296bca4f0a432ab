-- wrk script: POST /api/v2/users.json, one new user per request.
-- Emails are unique across threads and runs: prefix (per run) + thread id + counter.
-- Environment: BENCH_AUTH (the Authorization header value), BENCH_PREFIX (run id).

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  counter = 0
  prefix = os.getenv("BENCH_PREFIX") or tostring(os.time())
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"user":{"name":"Bench User %d %d","email":"bench-%s-%d-%d@bench.example"}}',
    tid, counter, prefix, tid, counter)
  return wrk.format("POST", "/api/v2/users.json", nil, body)
end
