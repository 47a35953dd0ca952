package io.serai.http.body;

/** A route's own step read a body whole while it was still streaming; the message names the options that hold it. */
public final class BodyNotHeldException extends IllegalStateException {

    public BodyNotHeldException() {
        super("a step reads a body that streams through the route; add requestBuffering=true (the request's body) or"
                + " responseBuffering=true (the backend's) to the route's from: URI to hold it whole");
    }
}
