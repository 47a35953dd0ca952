package io.serai.http.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** gRPC-Web to gRPC and back: headers, the trailer frame, and base64 chunk by chunk at any split. */
class GrpcWebTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @ParameterizedTest
    @CsvSource({
        "application/grpc-web, application/grpc",
        "application/grpc-web+proto, application/grpc+proto",
        "application/grpc-web-text, application/grpc",
        "application/grpc-web-text+proto, application/grpc+proto",
    })
    void aGrpcWebRequestBecomesGrpcAndAsksForTrailers(String sent, String grpc) {
        HttpHeaders headers = new DefaultHttpHeaders().set("content-type", sent).set("content-length", "8");
        assertEquals(sent, GrpcWeb.requestToGrpc(headers));
        assertEquals(grpc, headers.get("content-type"));
        assertEquals("trailers", headers.get("te"));
        assertEquals(sent.contains("-text"), !headers.contains("content-length"), "a decoded text body is shorter");
    }

    @ParameterizedTest
    @CsvSource({
        "application/grpc-web, application/grpc, application/grpc-web",
        "application/grpc-web+proto, application/grpc+proto, application/grpc-web+proto",
        "application/grpc-web-text, application/grpc+proto, application/grpc-web-text+proto",
    })
    void aGrpcResponseTakesTheClientsGrpcWebType(String sent, String answered, String forClient) {
        HttpHeaders headers =
                new DefaultHttpHeaders().set("content-type", answered).set("content-length", "7");
        GrpcWeb.responseToGrpcWeb(headers, sent);
        assertEquals(forClient, headers.get("content-type"));
        assertFalse(headers.contains("content-length"));
    }

    @Test
    void trailersEndTheBodyAsAFrameFlagged0x80() {
        HttpHeaders trailers = new DefaultHttpHeaders().set("Grpc-Status", "0").set("grpc-message", "ok");
        ByteBuf frame = GrpcWeb.trailerFrame(trailers, ALLOC);
        try {
            byte[] block = "grpc-status: 0\r\ngrpc-message: ok\r\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(0x80, frame.readUnsignedByte());
            assertEquals(block.length, frame.readInt());
            assertArrayEquals(block, ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 64, 1000})
    void base64EncodedChunkByChunkIsTheSameAsInOneRun(int chunkSize) {
        byte[] body = random(1000 + chunkSize);
        GrpcWebText.Encoder encoder = new GrpcWebText.Encoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunkSize) {
            int len = Math.min(chunkSize, body.length - at);
            drain(encoder.encode(Unpooled.copiedBuffer(body, at, len), ALLOC), out);
        }
        drain(encoder.end(ALLOC), out);
        assertEquals(Base64.getEncoder().encodeToString(body), out.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 64, 1000})
    void base64DecodedChunkByChunkIsTheSameAsInOneRun(int chunkSize) {
        byte[] body = random(999 + chunkSize);
        byte[] text = Base64.getEncoder().encode(body);
        GrpcWebText.Decoder decoder = new GrpcWebText.Decoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < text.length; at += chunkSize) {
            int len = Math.min(chunkSize, text.length - at);
            drain(decoder.decode(Unpooled.copiedBuffer(text, at, len), ALLOC), out);
        }
        decoder.end();
        assertArrayEquals(body, out.toByteArray());
    }

    @Test
    void messagesPaddedOneByOneDecodeAsOneBody() {
        byte[] first = {0, 0, 0, 0, 1, 'a'};
        byte[] second = {0, 0, 0, 0, 2, 'b', 'c'};
        String text =
                Base64.getEncoder().encodeToString(first) + Base64.getEncoder().encodeToString(second);
        GrpcWebText.Decoder decoder = new GrpcWebText.Decoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(decoder.decode(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), ALLOC), out);
        decoder.end();
        assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 2, 'b', 'c'}, out.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAA", "A*AA", "A=AA", "AA=A", "AAAAA"})
    void aBodyThatIsNotBase64IsRefused(String text) {
        GrpcWebText.Decoder decoder = new GrpcWebText.Decoder();
        assertThrows(GrpcWebText.NotBase64Exception.class, () -> {
            decoder.decode(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), ALLOC)
                    .release();
            decoder.end();
        });
    }

    @Test
    void aTextResponseIsTheBase64OfItsFramesAndTrailerFrame() {
        GrpcWebBodies.Response body = GrpcWebBodies.response("application/grpc-web-text");
        byte[] message = {0, 0, 0, 0, 2, 'h', 'i'};
        HttpHeaders trailers = new DefaultHttpHeaders().set("grpc-status", "0");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(body.chunk(Unpooled.copiedBuffer(message), ALLOC), out);
        drain(body.end(trailers, ALLOC), out);
        byte[] decoded = Base64.getDecoder().decode(out.toByteArray());
        ByteBuf expected =
                Unpooled.wrappedBuffer(Unpooled.copiedBuffer(message), GrpcWeb.trailerFrame(trailers, ALLOC));
        try {
            assertArrayEquals(ByteBufUtil.getBytes(expected), decoded);
        } finally {
            expected.release();
        }
    }

    @Test
    void aBinaryBodyPassesAsItIsAndATrailersOnlyAnswerGetsNoFrame() {
        GrpcWebBodies.Response body = GrpcWebBodies.response("application/grpc-web+proto");
        ByteBuf chunk = Unpooled.copiedBuffer(new byte[] {0, 0, 0, 0, 0});
        ByteBuf same = body.chunk(chunk, ALLOC);
        assertEquals(chunk, same);
        same.release();
        ByteBuf end = body.end(null, ALLOC);
        assertFalse(end.isReadable());
        end.release();
        GrpcWebBodies.Request request = GrpcWebBodies.request("application/grpc-web");
        ByteBuf in = Unpooled.copiedBuffer(new byte[] {0, 0, 0, 0, 0});
        assertEquals(in, request.chunk(in, ALLOC));
        in.release();
        request.end();
    }

    private static void drain(ByteBuf buf, ByteArrayOutputStream out) {
        try {
            out.writeBytes(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
