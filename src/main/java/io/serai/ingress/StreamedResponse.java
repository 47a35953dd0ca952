package io.serai.ingress;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.body.BodyStream;
import io.serai.http.grpc.GrpcWebBodies;

/**
 * A response that leaves as it arrives: this head now, its body chunk by chunk as the backend sends it.
 * What the binding hands Camel to write (Camel writes one {@code HttpResponse});
 * {@link ResponseStreamWriter} writes it.
 */
final class StreamedResponse extends DefaultHttpResponse {

    private final BodyStream body;
    private GrpcWebBodies.Response grpcWeb;

    StreamedResponse(HttpResponseStatus status, BodyStream body) {
        super(HttpVersion.HTTP_1_1, status);
        this.body = body;
    }

    BodyStream body() {
        return body;
    }

    /** The gRPC-Web body the chunks become for a gRPC-Web client, or null: they go as they come. */
    GrpcWebBodies.Response grpcWeb() {
        return grpcWeb;
    }

    void grpcWeb(GrpcWebBodies.Response bodies) {
        this.grpcWeb = bodies;
    }
}
