package io.serai.ingress;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.HopByHopHeaders;
import io.serai.http.InterimResponses;
import io.serai.http.Via;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

import java.util.Map;

/**
 * Writes a backend's interim response to the client through the client's whole pipeline, as a response
 * without a body: Netty's HTTP/1.1 encoder sends it as an interim head, and on an HTTP/2 stream Netty's
 * conversion codec sends a HEADERS frame without END_STREAM. It is written as a full message (empty body)
 * because both of Netty's encoders take a 1xx only whole; the handlers that wait for a response's end (the
 * pipelining order, the client timeouts) already count a 1xx as not the answer. Its fields cross as a final
 * response's do: hop-by-hop ones (RFC 9110 section 7.6.1) and framing fields are dropped, and Serai's Via
 * entry is appended as to a final response's.
 */
final class ClientInterimResponses implements InterimResponses {

    static final ClientInterimResponses INSTANCE = new ClientInterimResponses();

    private ClientInterimResponses() {}

    /** Puts this on {@code exchange} unless its client speaks HTTP/1.0, which must get no 1xx (RFC 9110 §15.2). */
    static void offer(Exchange exchange, HttpVersion clientVersion) {
        if (!HttpVersion.HTTP_1_0.equals(clientVersion)) {
            exchange.setProperty(PROPERTY, INSTANCE);
        }
    }

    @Override
    public void forward(Exchange exchange, HttpResponse interim, String viaEntry) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (!(ctx instanceof ChannelHandlerContext client) || !client.channel().isActive()) {
            // No client connection (a background revalidation's own exchange), or it has gone.
            return;
        }
        if (!client.channel().isWritable()) {
            // The client is not reading what it was sent: a hint now would only pile up in memory.
            return;
        }
        HttpHeaders from = interim.headers();
        HopByHopHeaders hopByHop = HopByHopHeaders.of(from);
        HttpHeaders fields = new DefaultHttpHeaders();
        for (Map.Entry<String, String> field : from) {
            String name = field.getKey();
            if (!hopByHop.excludes(name)
                    && !HopByHopHeaders.isCamelInternal(name)
                    && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
                fields.add(name, field.getValue());
            }
        }
        fields.set(HttpHeaderNames.VIA, Via.appended(fields.getAll(HttpHeaderNames.VIA), viaEntry));
        client.writeAndFlush(new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, interim.status(), Unpooled.EMPTY_BUFFER, fields, EmptyHttpHeaders.INSTANCE));
    }
}
