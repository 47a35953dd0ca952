package io.serai.support;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Writes a whole answer, for behaviours defined outside this package. */
public final class BehavioursAccess {

    private BehavioursAccess() {
    }

    public static void write(OutputStream out, RecordedRequest request, int code, Map<String, String> headers, byte[] body)
            throws IOException {
        Behaviours.write(out, request, code, headers, body);
    }
}
