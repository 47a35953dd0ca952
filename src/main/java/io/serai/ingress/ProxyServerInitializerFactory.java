package io.serai.ingress;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.serai.security.tls.HandshakeFailures;
import io.serai.settings.ProxySettings;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * Camel's netty-http server pipeline plus what a proxy needs in front of the routes: a bound on open
 * connections, the PROXY protocol header when the listener expects one, TLS with Serai's certificates
 * (and the client's, when asked for), client header and idle timeouts, request heads a
 * strict edge refuses are answered before any body is read, responses to
 * pipelined requests leave in request order, HTTP/1.0 requests without Host are accepted, each
 * request's target is parsed once and a target Serai does not route is refused before its body is read,
 * and each request carries the address of the client that sent it (for X-Forwarded-For).
 */
public class ProxyServerInitializerFactory extends HttpServerInitializerFactory {

    /** The first handler that reads a connection's bytes as HTTP (after PROXY protocol and TLS). */
    static final String FIRST_HTTP_HANDLER = "client-timeouts-bytes";

    private final NettyHttpConsumer consumer;
    private final ProxySettings settings;
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
            ConnectionLimit connectionLimit,
            Mapping<String, SslContext> certificates,
            ProxyProtocol proxyProtocol,
            ListenerDrain drain) {
        super(consumer);
        this.drain = drain;
        this.consumer = consumer;
        this.settings = settings;
        this.connectionLimit = connectionLimit;
        this.certificates = certificates;
        this.proxyProtocol = proxyProtocol;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new ProxyServerInitializerFactory(
                (NettyHttpConsumer) consumer, settings, connectionLimit, certificates, proxyProtocol, drain);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        NettyHttpConfiguration c = consumer.getConfiguration();
        ch.pipeline()
                .replace(
                        "decoder",
                        "decoder",
                        new StrictRequestDecoder(
                                c.getMaxInitialLineLength(), c.getMaxHeaderSize(), c.getMaxChunkSize()));
        // Requests go on as their heads arrive; bodies follow as streams (Camel's aggregator held them whole).
        ch.pipeline()
                .replace(
                        "aggregator",
                        "bodies",
                        new RequestBodies(settings.maxBody(), settings.streamWindow(), settings.replayBuffer()));
        ch.pipeline().addFirst("connection-limit", connectionLimit);
        if (certificates != null) {
            if (ch.pipeline().get("ssl") != null) {
                ch.pipeline().remove("ssl");
            }
            // Serai's certificates, chosen by SNI and reloaded when their files change.
            ch.pipeline().addAfter("connection-limit", "tls", new SniHandler(certificates));
            ch.pipeline().addAfter("tls", "tls-failures", HandshakeFailures.INSTANCE);
            ch.pipeline().addAfter("tls-failures", "client-certificate", new ClientCertificateReader());
        }
        if (proxyProtocol != null) {
            // Before TLS: the balancer's header precedes the client's handshake.
            proxyProtocol.addTo(ch.pipeline(), "connection-limit");
        }
        ClientTimeouts timeouts = new ClientTimeouts(
                settings.clientHeaderTimeout().toMillis(),
                settings.clientIdleTimeout().toMillis());
        ch.pipeline().addBefore("decoder", FIRST_HTTP_HANDLER, timeouts.bytesWatcher());
        ch.pipeline().addAfter("decoder", "http10-host", new Http10HostDefault());
        // After the encoder, so that a refusal or a 408 written from here is encoded on its way out.
        RequestValidator validator = new RequestValidator(settings.allowEncodedSlash());
        ch.pipeline().addBefore("bodies", "validator", validator);
        ch.pipeline().addBefore("bodies", "client-timeouts-messages", timeouts.messageWatcher());
        ch.pipeline().addBefore("handler", "client-address", new ClientAddressTagger(validator));
        ch.pipeline().addBefore("handler", "pipelining", new PipelinedRequestSequencer());
        // Nearest the routes on the way out: turns a streamed response into a head and its chunks, so that
        // the sequencer and the timeouts above see them as any response.
        ch.pipeline()
                .addBefore(
                        "handler",
                        "response-writer",
                        new ResponseStreamWriter(settings.clientWriteTimeout().toMillis(), drain));
    }
}
