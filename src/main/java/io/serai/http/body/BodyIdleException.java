package io.serai.http.body;

/** No chunk of a body arrived for longer than its read-idle timeout, while Serai was reading. */
public final class BodyIdleException extends Exception {

    public BodyIdleException(long millis) {
        super("no part of the body arrived for " + millis + " ms", null, false, false);
    }
}
