package io.serai.support;

import org.apache.camel.Processor;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Starts Serai on routes that must not start, and gives every message of the failure's causes. */
public final class StartFailure {

    private StartFailure() {}

    /** The failure's messages for one route guarded by a bean of {@code checkClass} with {@code properties} (YAML lines). */
    public static String messages(Class<? extends Processor> checkClass, String properties, Path dir) {
        return messages("""
                - beans:
                    - name: broken
                      type: "#class:%s"
                      properties:
                        %s
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - process: {ref: broken}
                        - to: "netty-http:http://127.0.0.1:9"
                """.formatted(checkClass.getName(), properties), dir);
    }

    public static String messages(String routes, Path dir) {
        Exception e = assertThrows(
                Exception.class,
                () -> RunningSerai.routes(routes).start(dir).close(),
                "Serai started on routes that should have been refused");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
