package io.serai.metrics;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The access log's time field, formatted once per second and completed per line, reads as Instant's. */
class AccessLogFormatTest {

    @Test
    void theTimeFieldIsInstantsTextForWholeSecondsAndMilliseconds() {
        long base = 1_796_212_749_000L;
        for (long millis : new long[] {base, base + 1, base + 10, base + 120, base + 999, base + 1000, 0, -1}) {
            String line = AccessLog.format(entry(millis));
            assertEquals("{\"time\":\"" + Instant.ofEpochMilli(millis) + "\"", line.substring(0, line.indexOf(',')));
        }
    }

    @Test
    void aLineHasTheFieldsItHadBeforeFormattingMovedToTheWriterThread() {
        assertEquals(
                "{\"time\":\"2026-12-02T13:19:09.005Z\",\"client\":\"127.0.0.1\",\"method\":\"GET\",\"path\":\"/a\","
                        + "\"status\":200,\"bytes\":5,\"duration_ms\":1.235,\"route\":\"r\",\"backend\":\"b:1\","
                        + "\"request_id\":\"id\"}",
                AccessLog.format(new AccessLog.Entry(
                        Instant.parse("2026-12-02T13:19:09.005Z").toEpochMilli(),
                        "127.0.0.1",
                        "GET",
                        "/a",
                        200,
                        5,
                        1.23456,
                        "r",
                        "b:1",
                        null,
                        "id",
                        null,
                        null,
                        null,
                        null,
                        null)));
    }

    @Test
    void aRequestWithATraceHasItsTraceIdAfterTheRequestId() {
        String line = AccessLog.format(new AccessLog.Entry(
                0,
                "c",
                "GET",
                "/",
                200,
                0,
                0.5,
                "r",
                null,
                null,
                "id",
                null,
                null,
                null,
                null,
                "4bf92f3577b34da6a3ce929d0e0e4736"));
        assertEquals(
                ",\"request_id\":\"id\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}",
                line.substring(line.indexOf(",\"request_id\"")));
    }

    private static AccessLog.Entry entry(long millis) {
        return new AccessLog.Entry(
                millis, "c", "GET", "/", 200, 0, 0.5, "r", null, null, "id", null, null, null, null, null);
    }
}
