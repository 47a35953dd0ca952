package io.serai.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** The lines of Serai's JSON access log file, found by the request id a test sent in X-Request-Id. */
public final class AccessLogLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AccessLogLines() {}

    /** The line of {@code requestId}, or null while it is not written (or the file not created). */
    public static JsonNode find(Path log, String requestId) {
        if (!Files.exists(log)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(log)) {
                JsonNode node = JSON.readTree(line);
                if (requestId.equals(node.path("request_id").asText())) {
                    return node;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /** The line of {@code requestId} once written (at most 5 s: lines are written after the answer). */
    public static JsonNode await(Path log, String requestId) {
        return Waits.upTo(Duration.ofSeconds(5))
                .alias("an access log line for " + requestId)
                .until(() -> find(log, requestId), Objects::nonNull);
    }
}
