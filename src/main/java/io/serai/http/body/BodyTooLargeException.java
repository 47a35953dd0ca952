package io.serai.http.body;

/** A body went past the limit it was read under (a request past serai.limits.max-body, say). */
public final class BodyTooLargeException extends Exception {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("the body is larger than " + limit + " bytes", null, false, false);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
