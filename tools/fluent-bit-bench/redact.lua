-- A typical Lua redaction filter, the comparison point for logseal in Fluent Bit:
-- gsub over every string value for emails, card-like digit runs, key=value secrets,
-- bearer tokens and AWS key ids.
local patterns = {
  { "[%w%.%-_]+@[%w%.%-]+%.%a%a+", "[REDACTED:email]" },
  { "%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d%d[ %-]?%d%d%d?%d?", "[REDACTED:card]" },
  { "(password[=:]%s*)[^%s&\"]+", "%1[REDACTED]" },
  { "(token[=:]%s*)[^%s&\"]+", "%1[REDACTED]" },
  { "(api_key[=:]%s*)[^%s&\"]+", "%1[REDACTED]" },
  { "[Bb]earer%s+[%w%-%._~%+/]+=*", "Bearer [REDACTED]" },
  { "AKIA[0-9A-Z]+", "[REDACTED:aws]" },
  { "%d%d%d%-%d%d%-%d%d%d%d", "[REDACTED:ssn]" },
}
local secret_keys = { password = true, passwd = true, secret = true, token = true, api_key = true, authorization = true, cvv = true }

local function scrub(v)
  if type(v) == "string" then
    for _, p in ipairs(patterns) do v = v:gsub(p[1], p[2]) end
    return v
  elseif type(v) == "table" then
    for k, x in pairs(v) do
      if type(k) == "string" and secret_keys[k:lower()] then v[k] = "[REDACTED]" else v[k] = scrub(x) end
    end
  end
  return v
end

function redact(tag, ts, record)
  return 1, ts, scrub(record)
end
