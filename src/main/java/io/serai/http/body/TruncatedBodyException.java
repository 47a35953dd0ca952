package io.serai.http.body;

/** A body ended before the length its sender declared. */
public final class TruncatedBodyException extends Exception {

    public TruncatedBodyException(long declared, long received) {
        super("the body ended after " + received + " of its " + declared + " bytes", null, false, false);
    }
}
