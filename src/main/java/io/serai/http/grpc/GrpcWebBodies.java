package io.serai.http.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The bodies of one gRPC-Web exchange, chunk by chunk, in the order a stream delivers them: what goes on
 * for each chunk that came, and what ends the body. The request's frames are gRPC's already (only base64
 * comes off a text body); the response's gain the trailer frame at the end ({@link GrpcWeb#trailerFrame}).
 */
public final class GrpcWebBodies {

    private GrpcWebBodies() {}

    /** The request body of a client that sent {@code contentType}. */
    public static Request request(String contentType) {
        return new Request(GrpcContentTypes.isGrpcWebText(contentType) ? new GrpcWebText.Decoder() : null);
    }

    /** The response body for a client that sent {@code contentType}. */
    public static Response response(String contentType) {
        return new Response(GrpcContentTypes.isGrpcWebText(contentType) ? new GrpcWebText.Encoder() : null);
    }

    /** A gRPC-Web request body becoming gRPC's. */
    public static final class Request {
        private final GrpcWebText.Decoder text;

        private Request(GrpcWebText.Decoder text) {
            this.text = text;
        }

        /** What to send on for {@code chunk} (which is now this body's); may be empty. */
        public ByteBuf chunk(ByteBuf chunk, ByteBufAllocator alloc) {
            return text == null ? chunk : text.decode(chunk, alloc);
        }

        /** The client's body ended; throws {@link GrpcWebText.NotBase64Exception} when it ended mid-group. */
        public void end() {
            if (text != null) {
                text.end();
            }
        }
    }

    /** A gRPC response body becoming gRPC-Web's. */
    public static final class Response {
        private final GrpcWebText.Encoder text;

        private Response(GrpcWebText.Encoder text) {
            this.text = text;
        }

        /** What to send the client for {@code chunk} (which is now this body's); may be empty. */
        public ByteBuf chunk(ByteBuf chunk, ByteBufAllocator alloc) {
            return text == null ? chunk : text.encode(chunk, alloc);
        }

        /**
         * The last bytes for the client once the backend's body ended with {@code trailers}: the trailer frame
         * (none when there are no trailers: a trailers-only answer has them in its head), base64 ended and padded.
         */
        public ByteBuf end(HttpHeaders trailers, ByteBufAllocator alloc) {
            ByteBuf frame = trailers == null || trailers.isEmpty()
                    ? Unpooled.EMPTY_BUFFER
                    : GrpcWeb.trailerFrame(trailers, alloc);
            if (text == null) {
                return frame;
            }
            ByteBuf encoded = text.encode(frame, alloc);
            return Unpooled.wrappedBuffer(encoded, text.end(alloc));
        }
    }
}
