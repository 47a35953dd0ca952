package io.serai.examples;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * examples/grpc.camel.yaml started as its Run line says (SERAI_ROUTES=examples/grpc.camel.yaml java
 * -Dbackend.1=http://... -Dbackend.2=http://... -jar target/serai.jar), with a grpc-java client and two
 * grpc-java servers: calls alternate between the two, and with both down a call is UNAVAILABLE.
 */
@Timeout(90)
class GrpcExampleIT {

    @Test
    void callsAlternateBetweenTheTwoBackendsAndNoBackendIsUnavailable(@TempDir Path tmp) throws Exception {
        GrpcBackend one = GrpcBackend.start("one");
        GrpcBackend two = GrpcBackend.start("two");
        int port = RunningSerai.freePort();
        try (SeraiProcess serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/grpc.camel.yaml")
                .property("serai.port", port)
                .property("backend.1", "http://" + one.hostPort())
                .property("backend.2", "http://" + two.hostPort())
                .start(tmp)) {
            ManagedChannel channel = GrpcClients.plaintext(port);
            try {
                // Until Serai listens, the call fails as UNAVAILABLE (refused): awaitAnswer retries IOExceptions.
                serai.awaitAnswer(Duration.ofSeconds(30), () -> {
                    try {
                        return echo(channel, "ready?");
                    } catch (StatusRuntimeException notYet) {
                        throw new java.io.IOException(notYet);
                    }
                });
                Map<String, Integer> served = new HashMap<>();
                for (int i = 0; i < 10; i++) {
                    String answer = echo(channel, "call " + i);
                    served.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
                }
                assertEquals(Map.of("one", 5, "two", 5), served);

                one.stop();
                two.stop();
                StatusRuntimeException down = assertThrows(StatusRuntimeException.class, () -> echo(channel, "x"));
                assertEquals(
                        Status.Code.UNAVAILABLE,
                        down.getStatus().getCode(),
                        down.getStatus().toString());
            } finally {
                GrpcClients.close(channel);
            }
        } finally {
            one.close();
            two.close();
        }
    }

    private static String echo(ManagedChannel channel, String text) {
        byte[] answer = GrpcClients.unary(channel, GrpcBackend.ECHO, text.getBytes(StandardCharsets.UTF_8));
        return new String(answer, StandardCharsets.UTF_8);
    }
}
