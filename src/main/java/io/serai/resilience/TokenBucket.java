package io.serai.resilience;

/**
 * One client's allowance: up to {@code burst} requests at once, refilled at a steady rate. Written
 * here because Resilience4j's RateLimiter counts permits per fixed period (no burst above the rate)
 * and no token-bucket library is in Serai's stack; the arithmetic is a few lines.
 */
final class TokenBucket {

    /** The outcome of one request: admitted or not, what is left, and the waits a client may need. */
    record Take(boolean admitted, long remaining, long nanosUntilNext, long nanosUntilFull) {}

    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double tokensPerSecond, int burst, long now) {
        this.tokensPerNano = tokensPerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    synchronized Take take(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
            last = now;
        }
        boolean admitted = tokens >= 1;
        if (admitted) {
            tokens -= 1;
        }
        long untilNext = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
        long untilFull = (long) Math.ceil((burst - tokens) / tokensPerNano);
        return new Take(admitted, (long) Math.floor(tokens), untilNext, untilFull);
    }
}
