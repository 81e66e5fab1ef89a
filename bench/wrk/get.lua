-- GET with the headers given in the environment (WRK_AUTH: a Bearer token).
local token = os.getenv("WRK_AUTH")
wrk.method = "GET"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["X-Forwarded-Proto"] = "https"
