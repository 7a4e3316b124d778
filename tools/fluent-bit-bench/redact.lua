-- A typical Lua redaction filter, the comparison point for logseal in Fluent Bit: gsub over
-- every top-level string value for emails, card-like digit runs, key=value passwords and
-- bearer tokens, and secret-named keys masked. (It finds far less than logseal does.)
local patterns = {
  { "[%w%.%-_]+@[%w%.%-]+%.%a%a+", "[REDACTED:email]" },
  { "%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d%d", "[REDACTED:card]" },
  { "([Pp]assword[=:]%s*)[^%s&\"]+", "%1[REDACTED]" },
  { "[Bb]earer%s+[%w%-%._~%+/]+=*", "Bearer [REDACTED]" },
}
local secret_keys = { password = true, secret = true, token = true, api_key = true, authorization = true }

function redact(tag, ts, record)
  for k, v in pairs(record) do
    if secret_keys[k] then
      record[k] = "[REDACTED]"
    elseif type(v) == "string" then
      for _, p in ipairs(patterns) do v = v:gsub(p[1], p[2]) end
      record[k] = v
    end
  end
  return 1, ts, record
end
