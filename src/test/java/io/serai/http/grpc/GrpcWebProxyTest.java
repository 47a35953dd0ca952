package io.serai.http.grpc;

import io.serai.support.GrpcBackend;
import io.serai.support.Http2Backend;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: gRPC-Web clients (browsers; here the JDK's HTTP/1.1 client, as grpc-web's JavaScript sends it)
 * reach a grpc-java server behind a {@code protocol=h2} member: the request goes on as gRPC, the answer comes
 * back with a gRPC-Web content type, its message frames, and its trailers as the body's last frame (flag
 * 0x80), binary and base64 ({@code application/grpc-web-text}); a CORS preflight is answered by the route's
 * {@code Cors} step.
 */
@Timeout(60)
class GrpcWebProxyTest {

    private static final String ROUTES = """
            - beans:
                - name: webCors
                  type: "#class:io.serai.security.Cors"
                  properties:
                    allowOrigins: "https://app.example.com"
                    allowMethods: "POST"
                    allowHeaders: "Content-Type, X-Grpc-Web, X-User-Agent, Grpc-Timeout"
                    exposeHeaders: "Grpc-Status, Grpc-Message"
            - route:
                id: grpc-web
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/serai.test.Backend?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: webCors
                    - to: "netty-http:{{b1}}/serai.test.Backend?protocol=h2"
            - route:
                id: grpc-web-scripted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/scripted.Service?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{b2}}/scripted.Service?protocol=h2"
            """;

    private static final String BINARY = "application/grpc-web+proto";
    private static final String TEXT = "application/grpc-web-text";

    @TempDir
    static Path dir;

    static GrpcBackend backend;
    static Http2Backend scripted;
    static RunningSerai serai;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        backend = GrpcBackend.start("one");
        scripted = Http2Backend.start("scripted").contentType("application/grpc+proto");
        serai = RunningSerai.routes(ROUTES)
                .property("b1", "http://" + backend.hostPort())
                .property("b2", scripted.hostPort())
                .start(dir);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        scripted.close();
    }

    @Test
    void aUnaryCallAnswersItsMessageAndItsTrailersAsTheLastFrame() throws Exception {
        HttpResponse<byte[]> answer = call("/serai.test.Backend/Echo", BINARY, frame("hi"));
        assertEquals(200, answer.statusCode());
        // The backend's suffix (grpc-java answers application/grpc, no +proto): gRPC-Web's family either way.
        assertEquals(
                "application/grpc-web",
                answer.headers().firstValue("content-type").orElse(null));
        Frames frames = Frames.read(answer.body());
        assertEquals(List.of("one:hi"), frames.messages());
        assertEquals("0", frames.trailer("grpc-status"), frames.trailers());
    }

    @Test
    void aTextCallIsBase64BothWays() throws Exception {
        byte[] body = Base64.getEncoder().encode(frame("in base64"));
        HttpResponse<byte[]> answer = call("/serai.test.Backend/Echo", TEXT, body);
        assertEquals(200, answer.statusCode());
        assertEquals(TEXT, answer.headers().firstValue("content-type").orElse(null));
        Frames frames = Frames.read(Base64.getDecoder().decode(answer.body()));
        assertEquals(List.of("one:in base64"), frames.messages());
        assertEquals("0", frames.trailer("grpc-status"), frames.trailers());

        // Larger than the streaming window: the body follows its head and is decoded chunk by chunk.
        String large = "x".repeat(600 * 1024);
        HttpResponse<byte[]> streamed =
                call("/serai.test.Backend/Echo", TEXT, Base64.getEncoder().encode(frame(large)));
        Frames echoed = Frames.read(Base64.getDecoder().decode(streamed.body()));
        assertEquals(List.of("one:" + large), echoed.messages());
        assertEquals("0", echoed.trailer("grpc-status"), echoed.trailers());
    }

    @Test
    void aTextBodyThatIsNotBase64IsInvalidArgument() throws Exception {
        HttpResponse<byte[]> answer =
                call("/serai.test.Backend/Echo", TEXT, "not*base64".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, answer.statusCode());
        assertEquals(TEXT, answer.headers().firstValue("content-type").orElse(null));
        assertEquals(
                "3",
                answer.headers().firstValue("grpc-status").orElse(null),
                answer.headers().toString());

        // Found bad only at its end, once the body streams on to the backend: the same status.
        byte[] streamed = Base64.getEncoder().encode(frame("y".repeat(600 * 1024)));
        streamed[streamed.length - 1] = '*';
        HttpResponse<byte[]> late = call("/serai.test.Backend/Echo", TEXT, streamed);
        assertEquals(200, late.statusCode());
        assertEquals(
                "3",
                late.headers().firstValue("grpc-status").orElse(null),
                late.headers().toString());
    }

    @Test
    void aServerStreamingCallStreamsItsMessagesThenItsTrailers() throws Exception {
        HttpResponse<byte[]> answer = call("/serai.test.Backend/Count", BINARY, frame("50"));
        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("content-length").isEmpty(), "streamed: " + answer.headers());
        Frames frames = Frames.read(answer.body());
        assertEquals(50, frames.messages().size());
        assertEquals("50", frames.messages().get(49));
        assertEquals("0", frames.trailer("grpc-status"), frames.trailers());
    }

    @Test
    void theBackendsErrorStatusReachesTheClient() throws Exception {
        HttpResponse<byte[]> answer = call("/serai.test.Backend/Fail", BINARY, frame("5:no such thing"));
        assertEquals(200, answer.statusCode());
        // The backend's suffix (grpc-java answers application/grpc, no +proto): gRPC-Web's family either way.
        assertEquals(
                "application/grpc-web",
                answer.headers().firstValue("content-type").orElse(null));
        Frames frames = Frames.read(answer.body());
        assertEquals(List.of(), frames.messages());
        // grpc-java answers an error without messages trailers-only: the status in the head, where gRPC-Web
        // clients read it too; a status after messages comes in the trailer frame (the tests above).
        String status = answer.headers().firstValue("grpc-status").orElse(frames.trailer("grpc-status"));
        assertEquals("5", status, answer.headers() + " " + frames.trailers());
        assertEquals(
                "no such thing", answer.headers().firstValue("grpc-message").orElse(frames.trailer("grpc-message")));
    }

    @Test
    void aStatusInTheBackendsTrailersAfterAMessageComesInTheTrailerFrame() throws Exception {
        // An h2 backend that echoes the request's frame, then ends with an error in its trailers.
        scripted.trailers(Map.of("grpc-status", "7", "grpc-message", "not yours"));
        HttpResponse<byte[]> answer = call("/scripted.Service/Method", BINARY, frame("echoed"));
        assertEquals(200, answer.statusCode());
        assertEquals(BINARY, answer.headers().firstValue("content-type").orElse(null));
        Frames frames = Frames.read(answer.body());
        assertEquals(List.of("echoed"), frames.messages());
        assertEquals("7", frames.trailer("grpc-status"), frames.trailers());
        assertEquals("not yours", frames.trailer("grpc-message"));
        RecordedRequest seen = scripted.requests().get(scripted.requests().size() - 1);
        assertEquals("application/grpc+proto", seen.header("content-type"));
        assertEquals("trailers", seen.header("te"));
    }

    @Test
    void seraisOwnRefusalIsGrpcWebShaped() throws Exception {
        HttpResponse<byte[]> answer =
                call("/other.Service/Method", TEXT, Base64.getEncoder().encode(frame("x")));
        assertEquals(200, answer.statusCode());
        assertEquals(TEXT, answer.headers().firstValue("content-type").orElse(null));
        assertEquals(
                "12",
                answer.headers().firstValue("grpc-status").orElse(null),
                answer.headers().toString());
    }

    @Test
    void aBrowsersPreflightIsAnsweredAndTheAnswerExposesTheStatus() throws Exception {
        HttpResponse<byte[]> preflight = client.send(
                HttpRequest.newBuilder(URI.create(serai.url("/serai.test.Backend/Echo")))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(204, preflight.statusCode(), new String(preflight.body(), StandardCharsets.UTF_8));
        assertEquals(
                "https://app.example.com",
                preflight.headers().firstValue("access-control-allow-origin").orElse(null));
        int calls = backend.calls();

        HttpResponse<byte[]> answer = client.send(
                HttpRequest.newBuilder(URI.create(serai.url("/serai.test.Backend/Echo")))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(frame("cors")))
                        .header("Content-Type", BINARY)
                        .header("Origin", "https://app.example.com")
                        .header("X-Grpc-Web", "1")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode());
        assertEquals(
                "https://app.example.com",
                answer.headers().firstValue("access-control-allow-origin").orElse(null));
        String exposed =
                answer.headers().firstValue("access-control-expose-headers").orElse("");
        assertTrue(exposed.toLowerCase().contains("grpc-status"), exposed);
        assertEquals(List.of("one:cors"), Frames.read(answer.body()).messages());
        assertEquals(calls + 1, backend.calls(), "the preflight never reached the backend");
    }

    private static HttpResponse<byte[]> call(String path, String type, byte[] body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(serai.url(path)))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Content-Type", type)
                        .header("X-Grpc-Web", "1")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** One uncompressed gRPC message frame of {@code text}'s UTF-8. */
    private static byte[] frame(String text) {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + message.length)
                .put((byte) 0)
                .putInt(message.length)
                .put(message)
                .array();
    }

    /** A gRPC-Web body read frame by frame: the messages, and the trailer frame's lines. */
    private record Frames(List<String> messages, String trailers) {

        static Frames read(byte[] body) {
            ByteBuffer in = ByteBuffer.wrap(body);
            List<String> messages = new ArrayList<>();
            String trailers = null;
            while (in.hasRemaining()) {
                int flag = in.get() & 0xFF;
                byte[] payload = new byte[in.getInt()];
                in.get(payload);
                if (flag == 0x80) {
                    assertNull(trailers, "one trailer frame");
                    trailers = new String(payload, StandardCharsets.UTF_8);
                } else {
                    assertEquals(0, flag);
                    assertNull(trailers, "no message after the trailers");
                    messages.add(new String(payload, StandardCharsets.UTF_8));
                }
            }
            return new Frames(messages, trailers);
        }

        String trailer(String name) {
            if (trailers == null) {
                return null;
            }
            for (String line : trailers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
