-- The Friday rush: progress notes posted to random measures through the API
-- (multipart, as a unit's clerk or a script sends them). Measure ids are uniform over
-- FIRST_MEASURE..LAST_MEASURE (env), one seeded generator per wrk thread; the day is
-- TODAY (env, YYYY-MM-DD). Every answer but 201 is counted as an error.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local report = require("report")

local first = tonumber(os.getenv("FIRST_MEASURE") or "1")
local last = tonumber(os.getenv("LAST_MEASURE") or "10000")
local today = os.getenv("TODAY") or "2026-01-01"
local boundary = "zgload7d1f"
local body = table.concat({
  "--" .. boundary,
  'Content-Disposition: form-data; name="happened_on"',
  "",
  today,
  "--" .. boundary,
  'Content-Disposition: form-data; name="content"',
  "",
  "整改进展：已召开专题推进会，完成阶段性整改任务，相关佐证材料已归档。",
  "--" .. boundary .. "--",
  "",
}, "\r\n")

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(4000 + (tid or 0))
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
end

function request()
  local id = math.random(first, last)
  return wrk.format("POST", "/api/v1/measures/" .. id .. "/progress", nil, body)
end

refused = 0
function response(status, headers, body)
  if status ~= 201 then refused = refused + 1 end
end

function done(summary, latency, requests)
  report.done(summary, latency, requests)
end
