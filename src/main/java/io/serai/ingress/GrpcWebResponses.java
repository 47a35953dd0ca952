package io.serai.ingress;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.serai.http.grpc.GrpcContentTypes;
import io.serai.http.grpc.GrpcWeb;
import io.serai.http.grpc.GrpcWebBodies;

/**
 * A backend's gRPC answer made gRPC-Web's for the client that asked in gRPC-Web (Envoy's {@code grpc_web}
 * filter, response side): its head here ({@link GrpcWeb#responseToGrpcWeb}); a streamed body's chunks and
 * trailers where they are written ({@link ResponseStreamWriter}); a whole body (a trailers-only answer, or one
 * held whole) at once. Serai's own answers are gRPC-Web already ({@code GrpcAnswers.reshape}); an answer that
 * is not gRPC at all is left as it is.
 */
final class GrpcWebResponses {

    private GrpcWebResponses() {}

    /** {@code response} for a gRPC-Web client that sent {@code clientType}: the same one, or its replacement. */
    static HttpResponse toGrpcWeb(HttpResponse response, String clientType) {
        if (!GrpcContentTypes.isGrpc(response.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            return response;
        }
        GrpcWeb.responseToGrpcWeb(response.headers(), clientType);
        if (response instanceof StreamedResponse streamed) {
            streamed.grpcWeb(GrpcWebBodies.response(clientType));
            return streamed;
        }
        if (response instanceof FullHttpResponse full
                && GrpcContentTypes.isGrpcWebText(clientType)
                && full.content().isReadable()) {
            // A whole body has no trailers (a body with trailers is always streamed): only base64 to add.
            GrpcWebBodies.Response text = GrpcWebBodies.response(clientType);
            ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
            return full.replace(Unpooled.wrappedBuffer(text.chunk(full.content(), alloc), text.end(null, alloc)));
        }
        return response;
    }
}
