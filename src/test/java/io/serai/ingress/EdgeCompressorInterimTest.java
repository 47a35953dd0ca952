package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compressor's own contract with the interim responses the interim part of issue 24 writes: Netty's
 * HttpContentEncoder pairs each final response with the Accept-Encoding of the request it answers; a 103
 * (whole, as Serai writes it, or a bare head and its empty last content) must pass untouched and leave that pairing alone. Netty's
 * EmbeddedChannel runs the real handler; end to end, EdgeCompressionTest sends a backend's 103 through Serai.
 */
class EdgeCompressorInterimTest {

    private static final String JSON = "{\"items\":[" + "{\"id\":1,\"name\":\"an item\"},".repeat(200) + "{}]}";

    @ParameterizedTest(name = "a 103 written whole: {0}")
    @ValueSource(booleans = {true, false})
    void aFinalResponseAfterAnEarlyHintIsCompressedForItsOwnRequest(boolean whole) throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel(new EdgeCompressor(CompressionSettings.DEFAULTS));
        channel.writeInbound(request("gzip"));
        channel.writeInbound(request("identity"));
        ReferenceCountUtil.release(channel.readInbound());
        ReferenceCountUtil.release(channel.readInbound());

        // Whole (a FullHttpResponse), or a bare head and the empty last content that ends its message, as
        // Netty's own HTTP/1.1 codec hands an interim response on.
        HttpResponse hint = whole
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103))
                : new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103));
        hint.headers().set("link", "</style.css>; rel=preload");
        if (whole) {
            channel.writeOutbound(hint, json(), json());
        } else {
            channel.writeOutbound(hint, LastHttpContent.EMPTY_LAST_CONTENT, json(), json());
        }

        HttpResponse passed = channel.readOutbound();
        assertEquals(103, passed.status().code());
        assertEquals("</style.css>; rel=preload", passed.headers().get("link"));
        ReferenceCountUtil.release(passed);
        if (!whole) {
            LastHttpContent end = channel.readOutbound();
            assertEquals(0, end.content().readableBytes(), "the interim message's end passes as it is");
            end.release();
        }

        HttpResponse first = channel.readOutbound();
        assertEquals(200, first.status().code());
        assertEquals("gzip", first.headers().get(HttpHeaderNames.CONTENT_ENCODING));
        assertEquals(JSON, gunzip(body(channel)));

        FullHttpResponse second = channel.readOutbound();
        assertNull(second.headers().get(HttpHeaderNames.CONTENT_ENCODING), "the second request asked identity");
        assertEquals(JSON, second.content().toString(StandardCharsets.UTF_8));
        second.release();
        assertFalse(channel.finish());
    }

    private static DefaultFullHttpRequest request(String acceptEncoding) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, acceptEncoding);
        return request;
    }

    private static FullHttpResponse json() {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.copiedBuffer(JSON, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, JSON.length());
        return response;
    }

    /** The contents after a head, up to and with the last one. */
    private static byte[] body(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (; ; ) {
            HttpContent content = channel.readOutbound();
            assertTrue(content != null, "the body ended without its last content");
            ByteBuf bytes = content.content();
            byte[] b = new byte[bytes.readableBytes()];
            bytes.readBytes(b);
            out.writeBytes(b);
            boolean last = content instanceof LastHttpContent;
            content.release();
            if (last) {
                return out.toByteArray();
            }
        }
    }

    private static String gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
