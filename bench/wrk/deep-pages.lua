-- A client reading every chat a page at a time, as HelpCrunch's docs say to, at random depths:
-- 100 chats newest first, at a random offset. Not part of `npm run bench`; docs/performance.md
-- (the small-searches round) says how it was run. Arguments: first chat id, last chat id, key.
local first, last, key
function init(args)
  first = tonumber(args[1]); last = tonumber(args[2]); key = args[3]
  math.randomseed(os.time())
end
function request()
  local offset = math.random(0, math.max(0, last - first - 99))
  return wrk.format("GET", "/v1/chats?sort=chats.createdAt&order=desc&limit=100&offset=" .. offset,
    { ["Authorization"] = "Bearer " .. key })
end
done = dofile(os.getenv("OPENCRUNCH_WRK_REPORT"))
