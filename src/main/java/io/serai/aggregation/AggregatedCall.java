package io.serai.aggregation;

/** An endpoint that can be one call of an aggregation: how its answer is merged. */
public interface AggregatedCall {

    /** The merge options on the endpoint's URI, {@link CallOptions#NONE} when it has none. */
    CallOptions callOptions();
}
