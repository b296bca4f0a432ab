-- wrk script: POST /api/v2/tickets.json with a requester email and a first comment.
-- One request in four names a new requester (created on the fly); the others reuse one
-- of 1,000 known addresses (found by identity), as a real queue does.
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
  local email
  if counter % 4 == 0 then
    email = string.format("new-%s-%d-%d@bench.example", prefix, tid, counter)
  else
    email = string.format("known-%d@bench.example", counter % 1000)
  end
  local body = string.format(
    '{"ticket":{"subject":"Order %d is late","priority":"normal","tags":["bench"],' ..
    '"requester":{"name":"Bench Requester","email":"%s"},' ..
    '"comment":{"body":"Hello, my order %d has not arrived yet. Could you check?"}}}',
    counter, email, counter)
  return wrk.format("POST", "/api/v2/tickets.json", nil, body)
end
