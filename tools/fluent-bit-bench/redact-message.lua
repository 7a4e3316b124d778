-- The lightest common Lua redaction: the same gsub patterns as redact.lua, on the `message`
-- field only (what many setups do when the app logs one text field).
local patterns = {
  { "[%w%.%-_]+@[%w%.%-]+%.%a%a+", "[REDACTED:email]" },
  { "%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d%d", "[REDACTED:card]" },
  { "([Pp]assword[=:]%s*)[^%s&\"]+", "%1[REDACTED]" },
  { "[Bb]earer%s+[%w%-%._~%+/]+=*", "Bearer [REDACTED]" },
}

function redact(tag, ts, record)
  local v = record["message"]
  if type(v) == "string" then
    for _, p in ipairs(patterns) do v = v:gsub(p[1], p[2]) end
    record["message"] = v
  end
  return 1, ts, record
end
