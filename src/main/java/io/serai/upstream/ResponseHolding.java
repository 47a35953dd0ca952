package io.serai.upstream;

/**
 * How a call takes its response's body. {@code whole}: the call completes only once the body is here
 * whole, up to {@code limit} bytes, beyond which the call fails (for an aggregation's merge, and for
 * routes with {@code responseBuffering=true}). Otherwise the call completes with the head and the body
 * follows as it arrives, without limit; the first {@code keep} bytes are kept as they pass, so that a
 * body that ends within them reaches the client whole, and, when {@code forStore} (a cache asked), so
 * that the body can be stored once it has passed whole.
 */
record ResponseHolding(boolean whole, long keep, long limit, boolean forStore) {

    static ResponseHolding whole(long limit) {
        return new ResponseHolding(true, limit, limit, false);
    }

    static ResponseHolding streamed(long keep, boolean forStore) {
        return new ResponseHolding(false, keep, -1, forStore);
    }
}
