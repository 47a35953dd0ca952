-- One take from a scope: cluster rate limit's token bucket, atomically, in one round trip.
-- Why a script of ours and not Bucket4j's Redis integration: Bucket4j's Lettuce proxy is
-- compare-and-swap (a GET, then an EVAL that writes only if nothing changed: two round trips per
-- request, more under contention), and issue 25 allows one. This is the same arithmetic as Bucket4j's
-- greedy refill (BucketState64BitsInteger.refill and its waits), so both scopes count alike; a test
-- runs one table of takes through both.
--
-- KEYS[1]  the bucket: a hash of tokens (whole), error (refill carried over, in token-microseconds)
--          and refilled (microseconds, Redis' clock)
-- ARGV[1]  limit: tokens added per period
-- ARGV[2]  period, in microseconds
-- ARGV[3]  burst: the capacity
-- ARGV[4]  now, in microseconds: for the tests only; real takes use Redis' TIME, one clock for all
--          replicas whatever their own clocks say
-- Returns {admitted 1|0, tokens left, microseconds until the next token (0 when admitted),
--          microseconds until full}. The hash expires when it would be full again: a missing bucket
--          is a full one.
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local now
if ARGV[4] then
  now = tonumber(ARGV[4])
else
  if redis.replicate_commands then
    -- Redis before 5 replicates a script, not its writes, unless told: TIME makes it non-deterministic.
    redis.replicate_commands()
  end
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end

local state = redis.call('HMGET', KEYS[1], 'tokens', 'error', 'refilled')
local tokens, err, refilled = burst, 0, now
if state[1] then
  tokens, err, refilled = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
end

-- Refill as Bucket4j does: whole periods first, then the rest exactly, carrying the remainder.
if now > refilled then
  local elapsed = now - refilled
  refilled = now
  if tokens < burst then
    if elapsed > period then
      tokens = tokens + math.floor(elapsed / period) * limit
      elapsed = elapsed % period
    end
    if tokens >= burst then
      tokens, err = burst, 0
    else
      local divided = limit * elapsed + err
      if divided >= 9007199254740992 then
        -- beyond a double's exact integers (Bucket4j: beyond a long's): approximate, drop the remainder
        tokens, err = tokens + math.floor(elapsed / period * limit), 0
      else
        tokens, err = tokens + math.floor(divided / period), divided % period
      end
      if tokens >= burst then
        tokens, err = burst, 0
      end
    end
  end
end

local function wait(deficit)
  if deficit <= 0 then
    return 0
  end
  return math.floor((period * deficit - err) / limit)
end

if tokens < 1 then
  -- Refused: nothing to write, as Bucket4j commits nothing then (a refill is the same done later).
  return {0, tokens, wait(1 - tokens), wait(burst - tokens)}
end
tokens = tokens - 1
local untilFull = wait(burst - tokens)
-- Numbers as integers: Lua would write 1.7e15 as "1.7e+15" (14 digits), losing the time.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.0f', tokens), 'error', string.format('%.0f', err),
  'refilled', string.format('%.0f', refilled))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(untilFull / 1000)))
return {1, tokens, 0, untilFull}
