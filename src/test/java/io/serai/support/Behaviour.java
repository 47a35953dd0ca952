package io.serai.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/** How a {@link TestBackend} answers one request; may misbehave on purpose. */
@FunctionalInterface
public interface Behaviour {

    /**
     * Writes the answer to {@code request}; returns false when the connection must be closed after it
     * (the backend then stops reading from that connection).
     */
    boolean answer(RecordedRequest request, Socket socket, OutputStream out, String backendName) throws IOException;
}
