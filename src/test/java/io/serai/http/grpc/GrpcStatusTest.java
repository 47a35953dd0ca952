package io.serai.http.grpc;

import io.serai.http.UpstreamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The table of {@link GrpcStatus}: which grpc-status answers each of Serai's own answers. */
class GrpcStatusTest {

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
        "200, OK",
        "400, INVALID_ARGUMENT",
        "413, INVALID_ARGUMENT",
        "414, INVALID_ARGUMENT",
        "431, INVALID_ARGUMENT",
        "401, UNAUTHENTICATED",
        "403, PERMISSION_DENIED",
        "404, UNIMPLEMENTED",
        "405, UNIMPLEMENTED",
        "408, DEADLINE_EXCEEDED",
        "504, DEADLINE_EXCEEDED",
        "429, RESOURCE_EXHAUSTED",
        "502, UNAVAILABLE",
        "503, UNAVAILABLE",
        "500, INTERNAL",
        "417, UNKNOWN",
        "308, UNKNOWN",
        "204, UNKNOWN",
    })
    void anAnswersHttpStatusMapsAsTheTableSays(int http, GrpcStatus grpc) {
        assertEquals(grpc, GrpcStatus.forHttpStatus(http));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "CONNECT_FAILED, 502, UNAVAILABLE",
        "TLS_HANDSHAKE, 502, UNAVAILABLE",
        "NO_RESPONSE, 502, UNAVAILABLE",
        "UNAVAILABLE, 503, UNAVAILABLE",
        "TIMED_OUT, 504, DEADLINE_EXCEEDED",
        "BAD_RESPONSE, 502, INTERNAL",
        "ABANDONED, 502, CANCELLED",
        "REQUEST_BODY, 413, INVALID_ARGUMENT",
        "REQUEST_BODY, 502, UNAVAILABLE",
    })
    void aFailedCallMapsByHowFarItGot(UpstreamException.Kind kind, int http, GrpcStatus grpc) {
        assertEquals(grpc, GrpcStatus.forFailure(new UpstreamException(http, kind, "why", -1, null)));
    }

    @ParameterizedTest
    @CsvSource({"0, OK", "4, DEADLINE_EXCEEDED", "14, UNAVAILABLE", "16, UNAUTHENTICATED"})
    void codesAreGrpcsNumbers(int code, GrpcStatus status) {
        assertEquals(code, status.code());
        assertEquals(status, GrpcStatus.ofCode(code));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "plain text|plain text",
                "100% sure|100%25 sure",
                "caf\u00e9|caf%C3%A9",
            })
    void grpcMessageIsPercentEncodedAsTheSpecSays(String message, String encoded) {
        assertEquals(encoded, GrpcAnswers.percentEncode(message));
    }

    @Test
    void controlCharactersArePercentEncoded() {
        assertEquals("line%0Abreak%7F~", GrpcAnswers.percentEncode("line\nbreak\u007f~"));
    }
}
