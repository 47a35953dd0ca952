package io.serai.proxy;

import io.serai.aggregation.CallOptions;
import io.serai.health.BackendHealthRegistry;
import io.serai.health.MemberOptions;
import io.serai.health.PassiveHealthSettings;
import io.serai.http.body.BodyStream;
import io.serai.ingress.CompressionSettings;
import io.serai.ingress.ConnectionLimit;
import io.serai.ingress.ForwardingSettings;
import io.serai.ingress.Http2EdgeSettings;
import io.serai.ingress.ListenerDrain;
import io.serai.ingress.ListenerOptions;
import io.serai.ingress.ProxyHeaderFilterStrategy;
import io.serai.ingress.ProxyHttpBinding;
import io.serai.ingress.ProxyProtocol;
import io.serai.ingress.ProxyServerInitializerFactory;
import io.serai.routing.RouteDispatcher;
import io.serai.routing.RouteGenerations;
import io.serai.routing.RouteOptions;
import io.serai.routing.VirtualHosts;
import io.serai.security.tls.ServerCertificates;
import io.serai.security.tls.TlsSettings;
import io.serai.security.upstream.BackendTls;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.security.upstream.UpstreamTlsSettings;
import io.serai.settings.ProxySettings;
import io.serai.upstream.BackendCallOptions;
import io.serai.upstream.UpstreamClient;
import io.serai.upstream.UpstreamTarget;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.HttpServerConsumerChannelFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serai's {@code netty-http} component: Camel's netty-http consumer with Serai's proxy binding and
 * server pipeline, and Serai's own upstream client as the producer, so that a route which says
 * {@code from: netty-http:...} and {@code to: netty-http:...} is a correct, fast proxy as written.
 * <p>
 * Extra endpoint options (producer): {@code preserveHost} (default true) passes the client's Host to the
 * backend; {@code preserveHost=false} sends the backend's own host and port instead. The health options
 * of {@link MemberOptions} set up active checks and load reports for the backend. The TLS options of
 * {@link BackendTls} ({@code tlsCa}, {@code tlsClientCert}, {@code tlsClientKey}, {@code tlsServerName})
 * say how an {@code https://} backend is verified and what certificate Serai presents to it. A listener's
 * (consumer's) {@link ListenerOptions} ({@code proxyProtocol}, {@code tlsClientCa}, {@code tlsClientAuth})
 * say whether its connections start with a PROXY protocol header and which client certificates it asks for.
 * <p>
 * Long because: it is Camel's one extension point for both sides (endpoint options, listeners and their
 * pipelines, the producer), so the wiring of each lives here, each part delegating to its own class.
 */
public class ProxyHttpComponent extends NettyHttpComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHttpComponent.class);
    /** Stands in for Camel's SSL context on https:// listeners, whose TLS handler Serai's pipeline replaces. */
    private static final SSLContextParameters SERAI_TLS = new SSLContextParameters();

    private final ProxySettings settings;
    private final UpstreamClient upstreamClient;
    private final Map<String, HttpServerBootstrapFactory> servers = new ConcurrentHashMap<>();
    private final Map<Integer, HttpServerConsumerChannelFactory> dispatchers = new ConcurrentHashMap<>();
    private final RouteGenerations generations = new RouteGenerations();
    private final ConnectionLimit connectionLimit;
    private final ListenerDrain drain;
    private final BackendHealthRegistry backendHealth;
    private final BackendTlsContexts backendTls;
    private TlsSettings tls;
    private ProxyProtocol proxyProtocol = ProxyProtocol.defaults();
    private Http2EdgeSettings http2 = Http2EdgeSettings.DEFAULTS;
    private CompressionSettings compression = CompressionSettings.DEFAULTS;
    private final Map<String, ListenerOptions> listenerOptions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> compressingAddresses = new ConcurrentHashMap<>();
    private final Map<String, ServerCertificates> serverCertificates = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Loads the {@code serai.upstream.tls.*} files now: a bad one stops Serai's start, naming it. Its
     * background threads come from {@code context}'s ExecutorServiceManager. Its listeners are {@code drain}'s.
     */
    public ProxyHttpComponent(
            CamelContext context,
            ProxySettings settings,
            PassiveHealthSettings passiveHealth,
            UpstreamTlsSettings upstreamTls,
            ForwardingSettings forwarding,
            ListenerDrain drain) {
        this.settings = settings;
        this.drain = drain;
        this.backendHealth = new BackendHealthRegistry(context, passiveHealth);
        this.backendTls = new BackendTlsContexts(context, upstreamTls);
        this.upstreamClient = new UpstreamClient(settings, backendTls);
        this.connectionLimit = new ConnectionLimit(settings.maxConnections());
        setHeaderFilterStrategy(new ProxyHeaderFilterStrategy());
        setNettyHttpBinding(new ProxyHttpBinding(settings, forwarding, drain));
        setConfiguration(defaultConfiguration(settings));
    }

    private static NettyHttpConfiguration defaultConfiguration(ProxySettings settings) {
        NettyHttpConfiguration c = new NettyHttpConfiguration();
        // Request processing stays on the connection's I/O thread unless the operator says routes block.
        c.setUsingExecutorService(settings.offload());
        c.setChunkedMaxContentLength(settings.maxBodyInt());
        c.setMaxHeaderSize(settings.maxHeader());
        c.setMaxChunkSize(BodyStream.MAX_CHUNK);
        // The request line is the method, the target and the version: leave room for the first and last.
        c.setMaxInitialLineLength(settings.maxUri() + 64);
        c.setLogWarnOnBadRequest(false);
        return c;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        boolean preserveHost = getAndRemoveParameter(parameters, "preserveHost", Boolean.class, Boolean.TRUE);
        boolean resolveAll = ProxyHttpEndpoint.takeResolve(parameters);
        MemberOptions memberOptions = MemberOptions.take(parameters);
        CallOptions callOptions = CallOptions.take(parameters);
        BackendCallOptions backendCall = BackendCallOptions.take(parameters, callOptions.aggregates());
        BackendTls ownTls = BackendTls.take(parameters);
        boolean http2 = UpstreamTarget.takeHttp2(parameters, uri);
        ListenerOptions listenerOptions = ListenerOptions.take(parameters);
        String tlsCert = getAndRemoveParameter(parameters, "tlsCert", String.class);
        String tlsKey = getAndRemoveParameter(parameters, "tlsKey", String.class);
        VirtualHosts virtualHosts = VirtualHosts.parse(
                getAndRemoveParameter(parameters, "virtualHosts", String.class),
                "netty-http option virtualHosts of " + uri);
        RouteOptions routeOptions = new RouteOptions(
                virtualHosts,
                getAndRemoveParameter(parameters, "requestBuffering", Boolean.class, Boolean.FALSE),
                getAndRemoveParameter(parameters, "responseBuffering", Boolean.class, Boolean.FALSE),
                getAndRemoveParameter(parameters, "webSocket", Boolean.class, Boolean.FALSE));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("netty-http options tlsCert and tlsKey go together: " + uri);
        }
        NettyHttpEndpoint plain = (NettyHttpEndpoint) super.createEndpoint(uri, remaining, parameters);
        // Camel allows one consumer per endpoint URI: routes that differ only by their hosts must differ here.
        String endpointUri = virtualHosts.isAny()
                ? plain.getEndpointUri()
                : plain.getEndpointUri() + (plain.getEndpointUri().contains("?") ? "&" : "?") + "virtualHosts="
                        + virtualHosts;
        ProxyHttpEndpoint answer = new ProxyHttpEndpoint(
                endpointUri,
                this,
                plain.getConfiguration(),
                upstreamClient,
                preserveHost,
                memberOptions,
                backendHealth,
                callOptions,
                backendCall);
        answer.tlsFiles(tlsCert, tlsKey);
        answer.resolveAll(resolveAll);
        answer.routeOptions(routeOptions);
        answer.listenerOptions(listenerOptions);
        answer.backendTls(ownTls, backendTls);
        answer.http2(http2);
        answer.setNettyHttpBinding(plain.getNettyHttpBinding());
        answer.setHeaderFilterStrategy(plain.getHeaderFilterStrategy());
        answer.setSecurityConfiguration(plain.getSecurityConfiguration());
        answer.setNettySharedHttpServer(plain.getNettySharedHttpServer());
        answer.setTraceEnabled(plain.isTraceEnabled());
        answer.setHttpMethodRestrict(plain.getHttpMethodRestrict());
        answer.setBridgeErrorHandler(plain.isBridgeErrorHandler());
        answer.setLazyStartProducer(plain.isLazyStartProducer());
        answer.setExchangePattern(plain.getExchangePattern());
        return answer;
    }

    /** Each port's dispatch to its routes: Serai's, by host and normalized path (see RouteDispatcher). */
    @Override
    public HttpServerConsumerChannelFactory getMultiplexChannelHandler(int port) {
        return dispatchers.computeIfAbsent(port, p -> {
            RouteDispatcher dispatcher = new RouteDispatcher(
                    consumer -> consumer.getEndpoint() instanceof ProxyHttpEndpoint endpoint
                            ? endpoint.routeOptions()
                            : RouteOptions.DEFAULTS,
                    generations);
            dispatcher.init(p);
            return dispatcher;
        });
    }

    /**
     * One Netty server per listening address, with Serai's pipeline: Camel's own method hard-codes its
     * HttpServerInitializerFactory and ignores the configured one.
     */
    @Override
    protected HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        if (consumer.getConfiguration().isSsl() && consumer.getConfiguration().getSslContextParameters() == null) {
            // Camel insists on an SSL context of its own for https://; Serai's pipeline replaces its handler
            // with one that serves serai.tls.* certificates by SNI.
            // One instance for all: Camel lets routes share a port only when their bootstrap settings are equal.
            consumer.getConfiguration().setSslContextParameters(SERAI_TLS);
        }
        ListenerOptions options = consumer.getEndpoint() instanceof ProxyHttpEndpoint endpoint
                ? endpoint.listenerOptions()
                : ListenerOptions.NONE;
        ListenerOptions first =
                listenerOptions.putIfAbsent(consumer.getConfiguration().getAddress(), options);
        if (first != null && !first.equals(options)) {
            // One server answers every route on an address: a connection cannot both have a PROXY header and not.
            throw new IllegalArgumentException(
                    "netty-http options proxyProtocol, tlsClientCa and tlsClientAuth apply to"
                            + " a listening address, and another route on "
                            + consumer.getConfiguration().getAddress()
                            + " gives different ones; give every route on it the same (a change needs a restart)");
        }
        boolean compressing = consumer.getConfiguration().isCompression();
        Boolean firstCompressing =
                compressingAddresses.putIfAbsent(consumer.getConfiguration().getAddress(), compressing);
        if (firstCompressing != null && firstCompressing != compressing) {
            // Camel's option builds the address's pipeline: the first route would otherwise decide for all.
            throw new IllegalArgumentException("netty-http option compression applies to a listening address, and"
                    + " another route on " + consumer.getConfiguration().getAddress()
                    + " gives another value; give every route on it the same (a change needs a restart)");
        }
        return servers.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            // It stops (closes its port) only when its last route has gone: a reload starts a route's new
            // generation before it stops the old one, so the port and its client connections stay.
            HttpServerBootstrapFactory server = new HttpServerBootstrapFactory(
                    getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
            server.init(
                    getCamelContext(),
                    drain.listening(consumer.getConfiguration(), address, server::isStarted),
                    new ProxyServerInitializerFactory(
                            consumer,
                            settings,
                            http2,
                            compression,
                            connectionLimit,
                            consumer.getConfiguration().isSsl() ? serverCertificates(consumer, options) : null,
                            options.proxyProtocol() ? proxyProtocol(address) : null,
                            drain));
            return server;
        });
    }

    /** The settings https:// listeners take their certificates from. */
    public void setTls(TlsSettings tls) {
        this.tls = tls;
    }

    /** The {@code serai.dns.*} settings backends' names are resolved with. */
    public void setDns(io.serai.upstream.DnsSettings dns) {
        upstreamClient.resolveWith(dns);
    }

    /** Whether listeners speak HTTP/2 to clients ({@code serai.http2.*}). */
    public void setHttp2(Http2EdgeSettings http2) {
        this.http2 = http2;
    }

    /** What listeners with Camel's option compression=true compress ({@code serai.compression.*}). */
    public void setCompression(CompressionSettings compression) {
        this.compression = compression;
    }

    /** The settings of listeners with the option proxyProtocol=true. */
    public void setProxyProtocol(ProxyProtocol proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    private ProxyProtocol proxyProtocol(String address) {
        if (proxyProtocol.fromAnyPeer()) {
            LOG.info(
                    "Listener {} reads a PROXY protocol header from any peer: set {} to the load balancers' addresses"
                            + " unless only they can reach it",
                    address,
                    ProxyProtocol.ALLOWED_PEERS);
        }
        return proxyProtocol;
    }

    /**
     * The certificates of an https:// listener: its tlsCert and tlsKey options, else serai.tls.cert and
     * serai.tls.key; loaded (and then watched) when the first listener that uses them starts.
     */
    private ServerCertificates serverCertificates(NettyHttpConsumer consumer, ListenerOptions options) {
        TlsSettings base = tls == null ? TlsSettings.from(key -> null) : tls;
        String ownCert = consumer.getEndpoint() instanceof ProxyHttpEndpoint endpoint ? endpoint.tlsCert() : null;
        String ownKey = consumer.getEndpoint() instanceof ProxyHttpEndpoint endpoint ? endpoint.tlsKey() : null;
        TlsSettings chosen = base.forListener(ownCert, ownKey, options.tlsClientCa(), options.tlsClientAuth());
        return serverCertificates.computeIfAbsent(
                chosen.cert() + "|" + chosen.key() + "|" + chosen.effectiveClientAuth() + "|" + chosen.clientCa(),
                k -> new ServerCertificates(getCamelContext(), chosen, http2.enabled()));
    }

    /** Which routes the listeners serve while {@link io.serai.reload.RouteReloader} swaps a file's routes. */
    public RouteGenerations generations() {
        return generations;
    }

    /** After a reload's old routes drained: closes the ports whose routes are all gone (a server stops only then). */
    public void stopUnusedServers() {
        servers.values().forEach(HttpServerBootstrapFactory::stop);
    }

    /** The health of every backend this component's producers send to. */
    public BackendHealthRegistry backendHealth() {
        return backendHealth;
    }

    public ProxySettings settings() {
        return settings;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        ServiceHelper.stopService(servers.values());
        servers.clear();
        listenerOptions.clear();
        compressingAddresses.clear();
        upstreamClient.close();
        backendTls.close();
        backendHealth.close();
        serverCertificates.values().forEach(ServerCertificates::close);
        serverCertificates.clear();
    }
}
