package io.serai.http.grpc;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.serai.http.UpstreamException;

import java.nio.charset.StandardCharsets;

/**
 * Serai's own answers to a gRPC (or gRPC-Web) request, in the shape a gRPC client reads: HTTP 200,
 * {@code content-type: application/grpc} (the request's own gRPC type), no body, and the outcome in
 * {@code grpc-status} and {@code grpc-message} carried in the headers (a "trailers-only" response,
 * grpc's PROTOCOL-HTTP2.md). A gRPC client cannot read a text 502; it would report only "HTTP 502".
 * Every answer Serai makes itself passes through {@link #reshape}: the route's answers in the binding,
 * the router's refusals (no route, wrong method) and the refusals of a request's head or body.
 */
public final class GrpcAnswers {

    public static final String GRPC_STATUS = "grpc-status";
    public static final String GRPC_MESSAGE = "grpc-message";

    /** A grpc-message longer than this is cut: it is a line for a log, not a document. */
    private static final int MAX_MESSAGE = 512;

    private GrpcAnswers() {}

    /**
     * Whether the request is gRPC: {@code application/grpc}, {@code application/grpc+proto} and the like, or
     * gRPC-Web ({@code application/grpc-web...}), whose clients read a trailers-only answer the same way.
     */
    public static boolean isGrpc(HttpHeaders request) {
        return request != null && GrpcContentTypes.isGrpcFamily(request.get(HttpHeaderNames.CONTENT_TYPE));
    }

    /**
     * {@code answer} as a gRPC client reads it when the request was gRPC and {@code answer} is not already
     * gRPC: {@code failure} (may be null) names the status more precisely than the HTTP status does. The
     * answer given is released when it is replaced; a streamed answer's body is the caller's to cancel.
     */
    public static HttpResponse reshape(HttpHeaders request, HttpResponse answer, Throwable failure) {
        if (!needsReshaping(request, answer)) {
            return answer;
        }
        GrpcStatus status = failure instanceof UpstreamException upstream
                ? GrpcStatus.forFailure(upstream)
                : GrpcStatus.forHttpStatus(answer.status().code());
        String message = messageOf(answer);
        ReferenceCountUtil.release(answer);
        return trailersOnly(status, message, GrpcContentTypes.answerType(request.get(HttpHeaderNames.CONTENT_TYPE)));
    }

    /**
     * A gRPC request answered with a status other than 200 that is not gRPC already: Serai's own words, or a
     * backend that is not a gRPC server. A 200 is never looked at, so the usual answer costs nothing here.
     */
    public static boolean needsReshaping(HttpHeaders request, HttpResponse answer) {
        return answer.status().code() != 200
                && !GrpcContentTypes.isGrpcFamily(answer.headers().get(HttpHeaderNames.CONTENT_TYPE))
                && isGrpc(request);
    }

    /** HTTP 200, no body, {@code grpc-status} and {@code grpc-message} in the headers. */
    public static FullHttpResponse trailersOnly(GrpcStatus status, String message, String contentType) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        headers.set(GRPC_STATUS, status.code());
        if (message != null && !message.isEmpty()) {
            headers.set(GRPC_MESSAGE, percentEncode(message));
        }
        return response;
    }

    /**
     * grpc-message's encoding (PROTOCOL-HTTP2.md): the UTF-8 bytes, each outside printable ASCII
     * (0x20 to 0x7E) and {@code %} itself written as {@code %XX}.
     */
    public static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** Serai's one-line text answer as the message; only the status for anything else (a backend's HTML, a stream). */
    private static String messageOf(HttpResponse answer) {
        String type = answer.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (answer instanceof FullHttpResponse full
                && type != null
                && type.startsWith("text/plain")
                && full.content().isReadable()) {
            String text = full.content().toString(StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            text = newline >= 0 ? text.substring(0, newline).strip() : text;
            return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
        }
        return "HTTP " + answer.status().code() + " " + answer.status().reasonPhrase();
    }
}
