-- What an inbox does, in this ratio: open a chat (get it, 40%), mark it read or unread (30%),
-- refresh the list of the newest chats (20%), and a customer writes (10%).
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
  local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  local chat = math.random(first, last)
  local roll = math.random()
  if roll < 0.4 then
    return wrk.format("GET", "/v1/chats/" .. chat, headers)
  elseif roll < 0.7 then
    local body = string.format('{"id":%d,"read":%s}', chat, counter % 2 == 0 and "true" or "false")
    return wrk.format("PUT", "/v1/chats/readByAgent", headers, body)
  elseif roll < 0.9 then
    return wrk.format("GET", "/v1/chats?sort=chats.lastMessageAt&order=desc&limit=25", headers)
  else
    local body = string.format('{"chat":%d,"text":"Any news on my order?","type":"message"}', chat)
    return wrk.format("POST", "/v1/messages", headers, body)
  end
end

done = dofile(os.getenv("OPENCRUNCH_WRK_REPORT"))
