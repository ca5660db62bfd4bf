-- PUT /v1/chats/readByAgent on random chats, alternating read true and false.
-- Arguments (after --): first chat id, last chat id, API key.
local first, last, key
local counter = 0

function init(args)
  first = tonumber(args[1])
  last = tonumber(args[2])
  key = args[3]
  math.randomseed(os.time())
end

function request()
  counter = counter + 1
  local body = string.format('{"id":%d,"read":%s}', math.random(first, last),
    counter % 2 == 0 and "true" or "false")
  return wrk.format("PUT", "/v1/chats/readByAgent",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end

done = dofile(os.getenv("OPENCRUNCH_WRK_REPORT"))
