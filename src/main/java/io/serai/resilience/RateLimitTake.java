package io.serai.resilience;

/**
 * One request's take from its key's allowance: admitted or not, the whole tokens left, the waits a
 * client may need (until the next token, until the bucket is full again) and the bucket's capacity,
 * which is what {@code RateLimit-Limit} announces.
 */
record RateLimitTake(boolean admitted, long remaining, long nanosUntilNext, long nanosUntilFull, long capacity) {}
