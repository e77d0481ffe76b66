/**
 * Applies one tenant's pre-aggregated batch to its live window, atomically.
 *
 * KEYS[1]      the tenant's watermark for the source partition
 * KEYS[2..]    five keys per minute: counters (hash), unique IPs (HyperLogLog),
 *              countries, routes, UA families (sorted sets)
 * ARGV[1]      JSON {first, last, wmTtl, topN, minutes: [{expireAt, c: {field: n}, ips: [..], geo: {..}, rt: {..}, ua: {..}}]}
 *
 * Exactly once: the watermark is the last offset applied for this tenant from
 * this partition. A batch whose last offset is at or below it is a redelivery
 * and changes nothing ("duplicate"); one that starts at or below it overlaps a
 * batch applied by someone else, and the caller must recompute from the
 * watermark ("overlap"). All checks run before the first write, so an error
 * leaves no partial increments. The shebang makes Redis refuse the script
 * under maxmemory (OOM) before it starts, never halfway through. All keys of a
 * call share the tenant's hash tag, so it runs unchanged on Redis Cluster.
 */
export const LIVE_SCRIPT = `#!lua
local ok, p = pcall(cjson.decode, ARGV[1])
if not ok or type(p) ~= 'table' then return redis.error_reply('ERR live: payload is not JSON') end
local first, last, wmTtl, topN = tonumber(p.first), tonumber(p.last), tonumber(p.wmTtl), tonumber(p.topN)
if not first or not last or last < first or not wmTtl or wmTtl <= 0 or not topN or topN <= 0 then
  return redis.error_reply('ERR live: bad offsets, ttl or topN')
end
if type(p.minutes) ~= 'table' or #KEYS ~= 1 + 5 * #p.minutes then
  return redis.error_reply('ERR live: expected ' .. (1 + 5 * #(p.minutes or {})) .. ' keys, got ' .. #KEYS)
end
local function numbers(t)
  if type(t) ~= 'table' then return false end
  for k, v in pairs(t) do
    if type(k) ~= 'string' or type(v) ~= 'number' or v < 0 then return false end
  end
  return true
end
for i, m in ipairs(p.minutes) do
  if type(m.expireAt) ~= 'number' or not numbers(m.c) or not numbers(m.geo) or not numbers(m.rt) or not numbers(m.ua) or type(m.ips) ~= 'table' then
    return redis.error_reply('ERR live: minute ' .. i .. ' is malformed')
  end
  for _, ip in ipairs(m.ips) do
    if type(ip) ~= 'string' then return redis.error_reply('ERR live: minute ' .. i .. ' has a non-string ip') end
  end
end

local wm = tonumber(redis.call('GET', KEYS[1]) or '-1')
if wm >= last then return {'duplicate', tostring(wm)} end
if wm >= first then return {'overlap', tostring(wm)} end

for i, m in ipairs(p.minutes) do
  local base = 1 + (i - 1) * 5
  local counters, ips, geo, routes, ua = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4], KEYS[base + 5]
  for field, n in pairs(m.c) do
    if n > 0 then redis.call('HINCRBY', counters, field, n) end
  end
  local chunk = {}
  for _, ip in ipairs(m.ips) do
    chunk[#chunk + 1] = ip
    if #chunk == 500 then redis.call('PFADD', ips, unpack(chunk)); chunk = {} end
  end
  if #chunk > 0 then redis.call('PFADD', ips, unpack(chunk)) end
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
redis.call('SET', KEYS[1], tostring(last), 'EX', wmTtl)
return {'applied', tostring(last)}
`;
