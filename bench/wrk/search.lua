-- What an inbox searches for, in turn: an agent's open chats, the unread ones, those opened
-- newest first, last week's, and one customer's. Arguments: first chat id, last chat id, key.
local first, last, key
local counter = 0

function init(args)
  first = tonumber(args[1])
  last = tonumber(args[2])
  key = args[3]
  math.randomseed(os.time())
end

local function filter(field, operator, value)
  return string.format('{"field":"%s","operator":"%s","value":%s}', field, operator, value)
end

function request()
  counter = counter + 1
  local kind = counter % 5
  local filters, sort
  if kind == 0 then
    filters = filter("chats.assignee", "=", math.random(1, 5)) .. ","
      .. filter("chats.status", "!=", '"closed"')
  elseif kind == 1 then
    filters = filter("readByAgent", "=", "false")
    sort = "chats.lastMessageAt"
  elseif kind == 2 then
    filters = filter("chats.status", "=", '"opened"')
    sort = "chats.lastMessageAt"
  elseif kind == 3 then
    filters = filter("chats.createdAt", ">", os.time() - 7 * 86400)
  else
    -- The seeder spreads chats over one customer for every two chats.
    filters = filter("chats.customer", "=", math.random(1, math.max(1, math.floor((last - first + 1) / 2))))
  end
  local body = string.format('{"filter":[%s],"limit":25%s}', filters,
    sort and string.format(',"sort":"%s","order":"desc"', sort) or "")
  return wrk.format("POST", "/v1/chats/search",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end

done = dofile(os.getenv("OPENCRUNCH_WRK_REPORT"))
