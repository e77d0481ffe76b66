/**
 * Sums the script accepts for a counter field: the current value plus the
 * increment, both as Lua numbers (doubles), must stay below this. Doubles are
 * off by at most 2,048 at this size, so a sum the script accepts is at most
 * ~9.0·10^18 and fits HINCRBY's signed 64-bit range (2^63 − 1 ≈ 9.22·10^18).
 */
export const LIVE_COUNTER_BOUND = 9e18;

/** Longest decimal increment the script takes for a counter (18 digits < 10^18, exact as an int64). */
export const LIVE_COUNTER_MAX_DIGITS = 18;

/**
 * Applies one tenant's pre-aggregated batch to its live window, atomically.
 *
 * KEYS[1]      the tenant's watermark for the source partition
 * KEYS[2..]    five keys per minute: counters (hash), unique IPs (HyperLogLog),
 *              countries, routes, UA families (sorted sets)
 * ARGV[1]      JSON {first, last, wmTtl, topN, minutes: [{expireAt, c: {field: "n"}, ips: [..], geo: {..}, rt: {..}, ua: {..}}]}
 *              counter increments are decimal integer strings (a JSON number is a double in Lua,
 *              inexact above 2^53 and printed as 1.08e+17, which HINCRBY refuses)
 *
 * Exactly once: the watermark is the last offset applied for this tenant from
 * this partition. A batch whose last offset is at or below it is a redelivery
 * and changes nothing ("duplicate"); one that starts at or below it overlaps a
 * batch applied by someone else, and the caller must recompute from the
 * watermark ("overlap"). A batch without minutes only moves the watermark.
 *
 * Nothing is written unless every check passed, so any refusal
 * (`ERR live: ...`) leaves no partial increments. Checked first: the payload
 * (counters non-negative integers as Redis parses them, no leading zero, of at
 * most 18 digits; top-list increments finite and ≥ 0; IPs strings; expiry, ttl
 * and topN integers), then what Redis holds: every key is of its type or
 * absent (a HyperLogLog is a string starting with `HYLL`), the watermark and
 * every counter field are integers, and every counter field incremented stays
 * below LIVE_COUNTER_BOUND (current + increment, in doubles). The one write
 * that can still fail on what Redis holds, PFADD into a corrupt HyperLogLog,
 * comes first, and repeating a PFADD changes nothing. The shebang makes
 * Redis refuse the script under maxmemory (OOM) before it starts, never
 * halfway through. All keys of a call share the tenant's hash tag, so it runs
 * unchanged on Redis Cluster.
 */
export const LIVE_SCRIPT = `#!lua
local function refuse(why) return redis.error_reply('ERR live: ' .. why) end
local ok, p = pcall(cjson.decode, ARGV[1])
if not ok or type(p) ~= 'table' then return refuse('payload is not JSON') end
local first, last, wmTtl, topN = tonumber(p.first), tonumber(p.last), tonumber(p.wmTtl), tonumber(p.topN)
if not first or not last or last < first or not wmTtl or wmTtl <= 0 or wmTtl ~= math.floor(wmTtl) or not topN or topN <= 0 or topN ~= math.floor(topN) then
  return refuse('bad offsets, ttl or topN')
end
if type(p.minutes) ~= 'table' or #KEYS ~= 1 + 5 * #p.minutes then
  return refuse('expected ' .. (1 + 5 * #(p.minutes or {})) .. ' keys, got ' .. #KEYS)
end

-- The watermark first: a redelivery changes nothing, whatever it holds.
local wmType = redis.call('TYPE', KEYS[1]).ok
if wmType ~= 'none' and wmType ~= 'string' then return refuse('watermark ' .. KEYS[1] .. ' is a ' .. wmType) end
local wmText = redis.call('GET', KEYS[1]) or '-1'
if not string.match(wmText, '^%-?%d+$') then return refuse('watermark ' .. KEYS[1] .. ' is not an integer') end
local wm = tonumber(wmText)
if wm >= last then return {'duplicate', wmText} end
if wm >= first then return {'overlap', wmText} end

-- The payload. An integer is written as Redis itself parses one: no sign or leading zero.
local function isInteger(v) return v == '0' or string.match(v, '^%-?[1-9]%d*$') ~= nil end
local function counters(t)
  if type(t) ~= 'table' then return false end
  for k, v in pairs(t) do
    if type(k) ~= 'string' or type(v) ~= 'string' or #v > ${LIVE_COUNTER_MAX_DIGITS} or not isInteger(v) or string.sub(v, 1, 1) == '-' then return false end
  end
  return true
end
local function increments(t)
  if type(t) ~= 'table' then return false end
  for k, v in pairs(t) do
    -- NaN fails v >= 0.
    if type(k) ~= 'string' or type(v) ~= 'number' or not (v >= 0) or v == math.huge then return false end
  end
  return true
end
for i, m in ipairs(p.minutes) do
  local e = m.expireAt
  if type(e) ~= 'number' or e <= 0 or e ~= math.floor(e) or not counters(m.c) or not increments(m.geo) or not increments(m.rt)
    or not increments(m.ua) or type(m.ips) ~= 'table' then
    return refuse('minute ' .. i .. ' is malformed')
  end
  for _, ip in ipairs(m.ips) do
    if type(ip) ~= 'string' then return refuse('minute ' .. i .. ' has a non-string ip') end
  end
end

-- What Redis holds: types, HyperLogLogs, counter bounds.
local types = {'hash', 'string', 'zset', 'zset', 'zset'}
for i, m in ipairs(p.minutes) do
  local base = 1 + (i - 1) * 5
  for j = 1, 5 do
    local t = redis.call('TYPE', KEYS[base + j]).ok
    if t ~= 'none' and t ~= types[j] then return refuse(KEYS[base + j] .. ' is a ' .. t .. ', not a ' .. types[j]) end
    if t == 'string' and redis.call('GETRANGE', KEYS[base + j], 0, 3) ~= 'HYLL' then
      return refuse(KEYS[base + j] .. ' is not a HyperLogLog')
    end
  end
  for field, n in pairs(m.c) do
    local current = redis.call('HGET', KEYS[base + 1], field) or '0'
    if #current > 20 or not isInteger(current) then return refuse(KEYS[base + 1] .. ' ' .. field .. ' is not an integer') end
    if tonumber(n) > 0 and tonumber(current) + tonumber(n) >= ${LIVE_COUNTER_BOUND} then
      return refuse(KEYS[base + 1] .. ' ' .. field .. ' would reach ${LIVE_COUNTER_BOUND} (' .. current .. ' + ' .. n .. ')')
    end
  end
end

-- HyperLogLogs first: the one write that can still fail on what Redis holds (a corrupt HLL passes the
-- magic check), and one whose repetition changes nothing, so a failure here leaves no count behind.
for i, m in ipairs(p.minutes) do
  local ips = KEYS[1 + (i - 1) * 5 + 2]
  local chunk = {}
  for _, ip in ipairs(m.ips) do
    chunk[#chunk + 1] = ip
    if #chunk == 500 then redis.call('PFADD', ips, unpack(chunk)); chunk = {} end
  end
  if #chunk > 0 then redis.call('PFADD', ips, unpack(chunk)) end
end
for i, m in ipairs(p.minutes) do
  local base = 1 + (i - 1) * 5
  local counters, ips, geo, routes, ua = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4], KEYS[base + 5]
  for field, n in pairs(m.c) do
    if tonumber(n) > 0 then redis.call('HINCRBY', counters, field, n) end
  end
  for _, pair in ipairs({{geo, m.geo}, {routes, m.rt}, {ua, m.ua}}) do
    local key, values = pair[1], pair[2]
    local any = false
    for member, n in pairs(values) do
      redis.call('ZINCRBY', key, n, member)
      any = true
    end
    if any and redis.call('ZCARD', key) > topN then redis.call('ZREMRANGEBYRANK', key, 0, -(topN + 1)) end
  end
  for _, key in ipairs({counters, ips, geo, routes, ua}) do redis.call('EXPIREAT', key, m.expireAt) end
end
local lastText = string.format('%.0f', last)
redis.call('SET', KEYS[1], lastText, 'EX', wmTtl)
return {'applied', lastText}
`;
