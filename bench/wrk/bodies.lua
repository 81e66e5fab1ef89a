-- POST one line of WRK_BODIES per request; each wrk thread takes its own stride of the
-- file, so no body is sent twice (sign-in proofs and refresh tokens are single-use).
local path = os.getenv("WRK_BODIES")
local lines = {}
for line in io.lines(path) do
  lines[#lines + 1] = line
end

local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  index = id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  local body = lines[index]
  if body == nil then
    -- Out of bodies: an empty object, counted as a non-2xx error by the report.
    body = "{}"
  end
  index = index + nthreads
  return wrk.format(nil, nil, nil, body)
end
