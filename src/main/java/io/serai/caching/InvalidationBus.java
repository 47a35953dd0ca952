package io.serai.caching;

/**
 * Where this replica tells the others what it invalidated, so that a purge or an invalidating request
 * seen by one replica reaches every replica's store. In local mode there is none and nothing is told.
 * An implementation never waits: it hands the message on and returns.
 */
public interface InvalidationBus {

    /** What became of an invalidation meant for the other replicas. */
    enum Outcome {
        /** Local mode: there are no other replicas to tell. */
        LOCAL_MODE,
        /** Handed to the bus; a failure later is counted, not reported to the caller. */
        SENT,
        /** The bus cannot be reached now: the other replicas will not hear of it. */
        NOT_SENT
    }

    /** Sends {@code invalidation} to the other replicas without waiting; never throws. */
    Outcome publish(CacheInvalidation invalidation);
}
