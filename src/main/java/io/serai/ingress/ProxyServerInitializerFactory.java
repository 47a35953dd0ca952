package io.serai.ingress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.serai.security.tls.HandshakeFailures;
import io.serai.settings.ProxySettings;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.handlers.HttpInboundStreamHandler;
import org.apache.camel.component.netty.http.handlers.HttpOutboundStreamHandler;

import java.util.List;

/**
 * Camel's netty-http server pipeline plus what a proxy needs in front of the routes: a bound on open
 * connections, the PROXY protocol header when the listener expects one, TLS with Serai's certificates
 * (and the client's, when asked for), client header and idle timeouts, request heads a
 * strict edge refuses are answered before any body is read, responses to
 * pipelined requests leave in request order, HTTP/1.0 requests without Host are accepted, each
 * request's target is parsed once and a target Serai does not route is refused before its body is read,
 * and each request carries the address of the client that sent it (for X-Forwarded-For).
 * <p>
 * A connection is built as HTTP/1.1; with {@code serai.http2.enabled} a first handler (ALPN on TLS, the
 * connection preface on cleartext) may replace everything after it by HTTP/2 ({@link Http2Pipeline}),
 * where each stream gets the same HTTP-level handlers ({@link #httpHandlers}) as an HTTP/1.1 connection.
 * Camel's own pipeline is rebuilt here rather than edited, so that both protocols come from one list.
 */
public class ProxyServerInitializerFactory extends HttpServerInitializerFactory {

    /** The first handler that reads a connection's bytes as HTTP/1 (after PROXY protocol and TLS). */
    static final String FIRST_HTTP_HANDLER = "client-timeouts-bytes";

    private final NettyHttpConsumer consumer;
    private final ProxySettings settings;
    private final Http2EdgeSettings http2;
    private final CompressionSettings compression;
    private final ConnectionLimit connectionLimit;
    private final Mapping<String, SslContext> certificates;
    private final ProxyProtocol proxyProtocol;
    private final ListenerDrain drain;

    /**
     * {@code certificates} chooses a TLS certificate by SNI for https:// listeners; null for plain ones.
     * {@code proxyProtocol} reads a PROXY protocol header at the start of each connection; null: none.
     */
    public ProxyServerInitializerFactory(
            NettyHttpConsumer consumer,
            ProxySettings settings,
            Http2EdgeSettings http2,
            CompressionSettings compression,
            ConnectionLimit connectionLimit,
            Mapping<String, SslContext> certificates,
            ProxyProtocol proxyProtocol,
            ListenerDrain drain) {
        super(consumer);
        this.drain = drain;
        this.consumer = consumer;
        this.settings = settings;
        this.http2 = http2;
        this.compression = compression;
        this.connectionLimit = connectionLimit;
        this.certificates = certificates;
        this.proxyProtocol = proxyProtocol;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new ProxyServerInitializerFactory(
                (NettyHttpConsumer) consumer,
                settings,
                http2,
                compression,
                connectionLimit,
                certificates,
                proxyProtocol,
                drain);
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("connection-limit", connectionLimit);
        if (certificates != null) {
            // Serai's certificates, chosen by SNI and reloaded when their files change.
            p.addLast("tls", new SniHandler(certificates));
            p.addLast("tls-failures", HandshakeFailures.INSTANCE);
            p.addLast("client-certificate", new ClientCertificateReader());
        }
        if (proxyProtocol != null) {
            // Before TLS: the balancer's header precedes the client's handshake.
            proxyProtocol.addTo(p, "connection-limit");
        }
        if (http2.enabled()) {
            Http2Pipeline h2 = new Http2Pipeline(settings, http2, drain, stream -> httpHandlers(stream, null));
            p.addLast("protocol", certificates != null ? new AlpnProtocols(h2) : new PriorKnowledgeDetector(h2));
        }
        http1(p);
    }

    /** HTTP/1.1's own handlers, then the HTTP-level ones. */
    private void http1(ChannelPipeline p) {
        NettyHttpConfiguration c = consumer.getConfiguration();
        ClientTimeouts timeouts = new ClientTimeouts(
                settings.clientHeaderTimeout().toMillis(),
                settings.clientIdleTimeout().toMillis());
        p.addLast(FIRST_HTTP_HANDLER, timeouts.bytesWatcher());
        p.addLast(
                "decoder",
                new StrictRequestDecoder(c.getMaxInitialLineLength(), c.getMaxHeaderSize(), c.getMaxChunkSize()));
        p.addLast("http10-host", new Http10HostDefault());
        addEach(p, "decoder-", c.getDecodersAsList());
        // Before the HTTP-level handlers, so that a refusal or a 408 written from there is encoded on its way out.
        p.addLast("encoder", new HttpResponseEncoder());
        addEach(p, "encoder-", c.getEncodersAsList());
        httpHandlers(p, timeouts);
    }

    /**
     * The HTTP-level handlers, in one list for an HTTP/1.1 connection and for each HTTP/2 stream: request
     * validation and the one parse of the target, streamed bodies (in place of Camel's aggregator), the
     * client's address, the response writer and the routes. {@code http1} (null on an HTTP/2 stream) adds
     * the HTTP/1-only ones: the timeouts that watch requests on the connection, and the pipelining order.
     */
    private void httpHandlers(ChannelPipeline p, ClientTimeouts http1) {
        NettyHttpConfiguration c = consumer.getConfiguration();
        if (c.isDisableStreamCache()) {
            p.addLast("inbound-streamer", new HttpInboundStreamHandler());
        }
        RequestValidator validator = new RequestValidator(settings.allowEncodedSlash(), settings.maxUri());
        p.addLast("validator", validator);
        if (http1 != null) {
            p.addLast("client-timeouts-messages", http1.messageWatcher());
        }
        // Requests go on as their heads arrive; bodies follow as streams (Camel's aggregator held them whole).
        p.addLast("bodies", new RequestBodies(settings.maxBody(), settings.streamWindow(), settings.replayBuffer()));
        p.addLast("outbound-streamer", new HttpOutboundStreamHandler());
        if (consumer.getEndpoint().getConfiguration().isCompression()) {
            // Camel's compression=true, with what a proxy needs (EdgeCompressor); outside the routes and so
            // outside the cache, which keeps the backend's body.
            p.addLast("deflater", new EdgeCompressor(compression));
        }
        p.addLast("client-address", new ClientAddressTagger(validator));
        if (http1 != null) {
            p.addLast("pipelining", new PipelinedRequestSequencer());
        }
        // Nearest the routes on the way out: turns a streamed response into a head and its chunks, so that
        // the sequencer and the timeouts above see them as any response.
        p.addLast(
                "response-writer",
                new ResponseStreamWriter(settings.clientWriteTimeout().toMillis(), drain));
        ChannelHandler routes = consumer.getEndpoint()
                .getComponent()
                .getMultiplexChannelHandler(c.getPort())
                .getChannelHandler();
        if (c.isUsingExecutorService()) {
            p.addLast(consumer.getEndpoint().getComponent().getExecutorService(), "handler", routes);
        } else {
            p.addLast("handler", routes);
        }
    }

    private static void addEach(ChannelPipeline p, String prefix, List<ChannelHandler> handlers) {
        for (int i = 0; i < handlers.size(); i++) {
            ChannelHandler handler = handlers.get(i);
            p.addLast(
                    prefix + i,
                    handler instanceof ChannelHandlerFactory factory ? factory.newChannelHandler() : handler);
        }
    }
}
