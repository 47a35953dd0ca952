package io.serai.upstream;

/**
 * How a call takes its response's body. {@code whole}: the call completes only once the body is here
 * whole, up to {@code limit} bytes, beyond which the call fails (for an aggregation's merge, and for
 * routes with {@code responseBuffering=true}). Otherwise the call completes with the head and the body
 * follows as it arrives, without limit; the first {@code keep} bytes are kept as they pass, so that a
 * body that ends within them reaches the client whole, and a cache can store it.
 */
record ResponseHolding(boolean whole, long keep, long limit) {

    static ResponseHolding whole(long limit) {
        return new ResponseHolding(true, limit, limit);
    }

    static ResponseHolding streamed(long keep) {
        return new ResponseHolding(false, keep, -1);
    }
}
