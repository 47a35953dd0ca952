package io.serai.http.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * gRPC-Web (grpc's PROTOCOL-WEB.md) to gRPC and back, as Envoy's {@code grpc_web} filter does, for browsers
 * that cannot read HTTP/2 trailers: the request's content type becomes gRPC's (its {@code +proto} or other
 * suffix kept) and asks for trailers ({@code te: trailers}); the response's content type becomes the one the
 * client sent, and its trailers travel at the end of the body as one more frame, flag {@code 0x80}, holding
 * {@code name: value\r\n} lines. With {@code application/grpc-web-text} both bodies are base64
 * ({@link GrpcWebText}). Headers here; bodies chunk by chunk; nothing is held whole.
 */
public final class GrpcWeb {

    /** Exchange property: the content type a gRPC-Web client sent (its answer's family), absent for any other request. */
    public static final String CLIENT_TYPE = "seraiGrpcWebType";

    /** The flag byte of the frame that carries the trailers in a gRPC-Web body. */
    public static final int TRAILER_FRAME = 0x80;

    private GrpcWeb() {}

    /** A gRPC-Web request (binary or text). */
    public static boolean isRequest(HttpHeaders request) {
        return GrpcContentTypes.isGrpcWeb(request.get(HttpHeaderNames.CONTENT_TYPE));
    }

    /** A gRPC-Web request whose body is base64. */
    public static boolean isText(HttpHeaders request) {
        return GrpcContentTypes.isGrpcWebText(request.get(HttpHeaderNames.CONTENT_TYPE));
    }

    /**
     * {@code headers} of a gRPC-Web request as gRPC's: {@code application/grpc-web[-text][+suffix]} becomes
     * {@code application/grpc[+suffix]}, {@code te: trailers} is set, and a text body's Content-Length goes
     * (decoded, it is shorter). Returns the content type the client sent, which its answer must carry.
     */
    public static String requestToGrpc(HttpHeaders headers) {
        String sent = headers.get(HttpHeaderNames.CONTENT_TYPE);
        headers.set(HttpHeaderNames.CONTENT_TYPE, grpcType(sent));
        headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        if (GrpcContentTypes.isGrpcWebText(sent)) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        return sent;
    }

    /** gRPC's content type for a gRPC-Web one: {@code application/grpc-web-text+proto} gives {@code application/grpc+proto}. */
    public static String grpcType(String grpcWebType) {
        String prefix = GrpcContentTypes.isGrpcWebText(grpcWebType)
                ? GrpcContentTypes.GRPC_WEB_TEXT
                : GrpcContentTypes.GRPC_WEB;
        return GrpcContentTypes.GRPC + grpcWebType.substring(prefix.length());
    }

    /**
     * {@code headers} of a gRPC response as gRPC-Web's for a client that sent {@code requestType}: its content
     * type, its suffix from the backend's ({@code application/grpc+proto} gives {@code application/grpc-web+proto}),
     * and no Content-Length (the trailer frame, and base64, lengthen the body). A trailers-only answer keeps its
     * grpc-status in the headers, which gRPC-Web clients read there.
     */
    public static void responseToGrpcWeb(HttpHeaders headers, String requestType) {
        String answered = headers.get(HttpHeaderNames.CONTENT_TYPE);
        String prefix = GrpcContentTypes.isGrpcWebText(requestType)
                ? GrpcContentTypes.GRPC_WEB_TEXT
                : GrpcContentTypes.GRPC_WEB;
        String suffix = GrpcContentTypes.isGrpc(answered) ? answered.substring(GrpcContentTypes.GRPC.length()) : "";
        headers.set(HttpHeaderNames.CONTENT_TYPE, prefix + suffix);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    }

    /**
     * The frame that ends a gRPC-Web body: flag {@code 0x80}, the length, then each trailer as
     * {@code name: value\r\n} with the name in lower case (PROTOCOL-WEB.md).
     */
    public static ByteBuf trailerFrame(HttpHeaders trailers, ByteBufAllocator alloc) {
        StringBuilder lines = new StringBuilder(64);
        for (Map.Entry<String, String> trailer : trailers) {
            lines.append(trailer.getKey().toLowerCase(Locale.ROOT))
                    .append(": ")
                    .append(trailer.getValue())
                    .append("\r\n");
        }
        byte[] block = lines.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = alloc.buffer(5 + block.length);
        frame.writeByte(TRAILER_FRAME).writeInt(block.length).writeBytes(block);
        return frame;
    }
}
