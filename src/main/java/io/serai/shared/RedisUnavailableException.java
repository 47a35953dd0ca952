package io.serai.shared;

/**
 * A Redis call not made: Serai is not connected to Redis now, or its breaker is open after calls
 * failed. The caller falls back at once (local limits, no shared tier) instead of waiting.
 */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String why) {
        super(why, null, false, false);
    }
}
