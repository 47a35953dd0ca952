package io.serai.security;

import io.serai.support.RunningSerai;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Starts Serai on routes that must not start, and gives every message of the failure's causes. */
final class StartFailure {

    private StartFailure() {
    }

    static String messages(String routes, Path dir) {
        Exception e = assertThrows(Exception.class, () -> RunningSerai.routes(routes).start(dir).close(),
                "Serai started on routes that should have been refused");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
