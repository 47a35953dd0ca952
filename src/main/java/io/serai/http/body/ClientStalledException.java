package io.serai.http.body;

/** A client took none of a streamed response for serai.client.write-timeout: it stopped reading. */
public final class ClientStalledException extends Exception {

    public ClientStalledException(long millis) {
        super("the client took nothing for " + millis + " ms (serai.client.write-timeout)", null, false, false);
    }
}
