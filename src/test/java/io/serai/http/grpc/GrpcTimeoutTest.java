package io.serai.http.grpc;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** grpc-timeout's grammar, its encoding, and the deadline it makes with the route's own time limit. */
class GrpcTimeoutTest {

    @ParameterizedTest
    @CsvSource({
        "1H, PT1H",
        "2M, PT2M",
        "30S, PT30S",
        "250m, PT0.25S",
        "1500u, PT0.0015S",
        "99999999n, PT0.099999999S",
        "00000007S, PT7S",
        "0m, PT0S",
    })
    void validValuesParse(String value, Duration time) {
        assertEquals(time, GrpcTimeout.parse(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "S", "5", "123456789S", "1.5S", "-1S", "5s", "5 S", "5Sx", "+5S", "5ms"})
    void anythingElseIsNotAGrpcTimeout(String value) {
        assertNull(GrpcTimeout.parse(value));
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0n",
        "PT0.000000001S, 1n",
        "PT0.25S, 250000u",
        "PT1S, 1000000u",
        "PT60S, 60000000u",
        "PT100S, 100000m",
        "PT28H, 100800S",
        "PT30H, 108000S"
    })
    void formatUsesTheFinestUnitThatHoldsTheTime(Duration time, String value) {
        assertEquals(value, GrpcTimeout.format(time));
        assertEquals(time, GrpcTimeout.parse(value));
    }

    @Test
    void formatRoundsUpSoTheBackendNeverGetsLessThanIsLeft() {
        // 100,000,001 ns needs 9 digits in n: in u it is 100,000.001, rounded up to 100001u.
        assertEquals("100001u", GrpcTimeout.format(Duration.ofNanos(100_000_001)));
    }

    @Test
    void theClientsShorterTimeIsTheLimitAndTheBackendIsToldWhatIsLeft() {
        HttpHeaders headers = new DefaultHttpHeaders().set("grpc-timeout", "2S");
        Duration limit = GrpcTimeout.capAndForward(headers, 1_000, 1_500, Duration.ofSeconds(60));
        assertEquals(Duration.ofMillis(1500), limit);
        assertEquals("1500000u", headers.get("grpc-timeout"));
    }

    @Test
    void theRoutesShorterLimitCapsTheClientsTime() {
        HttpHeaders headers = new DefaultHttpHeaders().set("grpc-timeout", "1H");
        assertEquals(Duration.ofSeconds(60), GrpcTimeout.capAndForward(headers, 0, 0, Duration.ofSeconds(60)));
        assertEquals("60000000u", headers.get("grpc-timeout"));
    }

    @Test
    void aPassedDeadlineLeavesNothing() {
        HttpHeaders headers = new DefaultHttpHeaders().set("grpc-timeout", "10m");
        assertEquals(
                true,
                GrpcTimeout.capAndForward(headers, 0, 50, Duration.ofSeconds(60))
                        .isNegative());
    }

    @Test
    void noOrAMalformedGrpcTimeoutLeavesTheLimitAndTheHeaderAlone() {
        HttpHeaders none = new DefaultHttpHeaders();
        assertEquals(Duration.ofSeconds(60), GrpcTimeout.capAndForward(none, 0, 0, Duration.ofSeconds(60)));
        assertNull(none.get("grpc-timeout"));
        HttpHeaders bad = new DefaultHttpHeaders().set("grpc-timeout", "soon");
        assertEquals(Duration.ofSeconds(60), GrpcTimeout.capAndForward(bad, 0, 0, Duration.ofSeconds(60)));
        assertEquals("soon", bad.get("grpc-timeout"));
    }
}
