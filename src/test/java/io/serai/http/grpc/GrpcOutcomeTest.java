package io.serai.http.grpc;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.serai.http.UpstreamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which grpc-status the access log and serai_grpc_responses_total give a gRPC request, and that it stays bounded. */
class GrpcOutcomeTest {

    @Test
    void seraisOwnFailureIsNamedByHowFarTheCallGot() {
        assertEquals("14", GrpcOutcome.of(502, UpstreamException.connectFailed("b", null), "text/plain", null, null));
        assertEquals("13", GrpcOutcome.of(500, new IllegalStateException(), null, null, null));
    }

    @Test
    void aTrailersOnlyAnswersHeaderIsTaken() {
        assertEquals("5", GrpcOutcome.of(200, null, "application/grpc", "5", null));
    }

    @Test
    void aNonGrpcAnswerIsNamedAsSeraiReshapesIt() {
        assertEquals("16", GrpcOutcome.of(401, null, "text/plain; charset=utf-8", null, null));
        assertEquals("8", GrpcOutcome.of(429, null, "text/plain; charset=utf-8", null, null));
    }

    @Test
    void aStreamedAnswerIsNamedByItsTrailersOrNone() {
        assertEquals(
                "0",
                GrpcOutcome.of(200, null, "application/grpc", null, new DefaultHttpHeaders().set("grpc-status", "0")));
        assertEquals(GrpcOutcome.NONE, GrpcOutcome.of(200, null, "application/grpc", null, null));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "16, 16", "17, none", "-1, none", "abc, none", "' 7 ', 7"})
    void aBackendsGrpcStatusIsOneOfTheSeventeenCodesOrNone(String sent, String label) {
        assertEquals(label, GrpcOutcome.label(sent));
    }
}
