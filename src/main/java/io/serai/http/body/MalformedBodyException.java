package io.serai.http.body;

/**
 * A request body that could not be read as what it says it is, found as it streamed (a gRPC-Web text body that
 * is not base64, say): the client's fault, answered 400 (gRPC's INVALID_ARGUMENT), not a backend failure.
 */
public final class MalformedBodyException extends Exception {

    public MalformedBodyException(String message) {
        super(message, null, false, false);
    }
}
