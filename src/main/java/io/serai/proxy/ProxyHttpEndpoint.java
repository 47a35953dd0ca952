package io.serai.proxy;

import io.serai.aggregation.AggregatedCall;
import io.serai.aggregation.CallOptions;
import io.serai.health.AddressMember;
import io.serai.health.BackendHealth;
import io.serai.health.BackendHealthRegistry;
import io.serai.health.MemberEndpoint;
import io.serai.health.MemberOptions;
import io.serai.health.ProbeClient;
import io.serai.ingress.ListenerOptions;
import io.serai.routing.RouteOptions;
import io.serai.security.upstream.BackendTls;
import io.serai.security.upstream.BackendTlsContexts;
import io.serai.upstream.AddressPin;
import io.serai.upstream.AddressWatch;
import io.serai.upstream.BackendCallOptions;
import io.serai.upstream.UpstreamClient;
import io.serai.upstream.UpstreamProducer;
import io.serai.upstream.UpstreamTarget;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.netty.NettyConfiguration;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A netty-http endpoint whose producer is Serai's upstream client; its consumer is Camel's. */
public class ProxyHttpEndpoint extends NettyHttpEndpoint
        implements MemberEndpoint, AggregatedCall, MultipleConsumersSupport {

    private final UpstreamClient upstreamClient;
    private final boolean preserveHost;
    private final MemberOptions memberOptions;
    private final BackendHealthRegistry healthRegistry;
    private final CallOptions callOptions;
    private final BackendCallOptions backendCall;

    public ProxyHttpEndpoint(
            String endpointUri,
            NettyHttpComponent component,
            NettyConfiguration configuration,
            UpstreamClient upstreamClient,
            boolean preserveHost,
            MemberOptions memberOptions,
            BackendHealthRegistry healthRegistry,
            CallOptions callOptions,
            BackendCallOptions backendCall) {
        super(endpointUri, component, configuration);
        this.upstreamClient = upstreamClient;
        this.preserveHost = preserveHost;
        this.memberOptions = memberOptions;
        this.healthRegistry = healthRegistry;
        this.callOptions = callOptions;
        this.backendCall = backendCall;
    }

    private String tlsCert;
    private String tlsKey;
    private ListenerOptions listenerOptions = ListenerOptions.NONE;
    private BackendTls ownTls = BackendTls.NONE;
    private BackendTlsContexts backendTlsContexts;
    private RouteOptions routeOptions = RouteOptions.DEFAULTS;
    private boolean resolveAll;
    private boolean http2;

    /**
     * The option {@code resolve}: {@code one} (the default) sends to the backend's name, each new
     * connection to an address it has then; {@code all} makes each of its addresses a load-balancer member.
     */
    static boolean takeResolve(Map<String, Object> parameters) {
        Object value = parameters.remove("resolve");
        String v = value == null ? "one" : value.toString().trim().toLowerCase(Locale.ROOT);
        if (!v.equals("one") && !v.equals("all")) {
            throw new IllegalArgumentException(
                    "netty-http option resolve=" + value + " is invalid: expected one (the default) or all");
        }
        return v.equals("all");
    }

    /** For a backend: {@code resolve=all}, one load-balancer member per address of its name. */
    void resolveAll(boolean all) {
        this.resolveAll = all;
    }

    /** For an https:// listener: its own certificate chain and key (PEM), over serai.tls.cert and .key. */
    void tlsFiles(String cert, String key) {
        this.tlsCert = cert;
        this.tlsKey = key;
    }

    /** For a listener: the hosts its route serves and how it takes bodies. */
    void routeOptions(RouteOptions options) {
        this.routeOptions = options;
    }

    public RouteOptions routeOptions() {
        return routeOptions;
    }

    String tlsCert() {
        return tlsCert;
    }

    String tlsKey() {
        return tlsKey;
    }

    /** For a listener: the PROXY protocol and client certificate options of {@link ListenerOptions}. */
    void listenerOptions(ListenerOptions options) {
        this.listenerOptions = options;
    }

    ListenerOptions listenerOptions() {
        return listenerOptions;
    }

    /** For an https:// backend: its own TLS options, and where its SSL context comes from. */
    void backendTls(BackendTls own, BackendTlsContexts contexts) {
        this.ownTls = own;
        this.backendTlsContexts = contexts;
    }

    /** With {@code protocol=h2}: the backend is reached over HTTP/2. */
    void http2(boolean h2) {
        this.http2 = h2;
    }

    /**
     * Where this endpoint sends: scheme, host, port and, for https://, how the backend is verified (its
     * SSL context is loaded here, so a bad CA or client certificate file fails the route).
     */
    public UpstreamTarget target() {
        NettyHttpConfiguration c = getConfiguration();
        BackendTls tls = null;
        if (c.isSsl()) {
            tls = backendTlsContexts == null ? BackendTls.NONE : backendTlsContexts.prepare(ownTls);
        } else if (ownTls.any()) {
            throw new IllegalArgumentException("netty-http options tlsCa, tlsClientCert, tlsClientKey and "
                    + "tlsServerName are for https:// backends, and this one is http://" + c.getHost() + ":"
                    + c.getPort());
        }
        return new UpstreamTarget(c.getHost(), c.getPort(), c.isSsl(), c.getPath(), tls).withHttp2(http2);
    }

    /** The health of the backend this endpoint sends to, shared with every other route that uses it. */
    @Override
    public BackendHealth backendHealth() {
        // By origin only: routes that reach one backend with different TLS settings share its health.
        return healthRegistry.of(origin());
    }

    @Override
    public String origin() {
        NettyHttpConfiguration c = getConfiguration();
        return new UpstreamTarget(c.getHost(), c.getPort(), c.isSsl(), c.getPath(), null).toString();
    }

    /**
     * With {@code resolve=all}: a member per address of the backend's name, each with its own health
     * ({@code http://name:port (address)}) and health checks, as DNS has them now and whenever they change.
     */
    @Override
    public AddressMembers addressMembers(
            AsyncProcessor output, java.util.function.Consumer<List<AddressMember>> onChange) {
        if (!resolveAll) {
            return null;
        }
        UpstreamTarget target = target();
        AddressWatch watch =
                upstreamClient.watchAddresses(target, addresses -> onChange.accept(members(output, target, addresses)));
        return new AddressMembers() {
            @Override
            public List<AddressMember> now() {
                return members(output, target, watch.addresses());
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }

    private List<AddressMember> members(AsyncProcessor output, UpstreamTarget target, List<InetAddress> addresses) {
        return addresses.stream()
                .map(address -> {
                    UpstreamTarget pinned = target.at(address);
                    BackendHealth health = healthRegistry.of(pinned.toString());
                    return new AddressMember(
                            AddressPin.around(output, this, pinned, health), health, upstreamClient.probes(pinned));
                })
                .toList();
    }

    /** Health checks and load reports go out over Serai's own client, with this endpoint's target and TLS. */
    @Override
    public ProbeClient probeClient() {
        return upstreamClient.probes(target());
    }

    /** How this endpoint's call is merged when it is part of an aggregation. */
    @Override
    public CallOptions callOptions() {
        return callOptions;
    }

    /** The health-check and load-report options given on this endpoint's URI. */
    @Override
    public MemberOptions memberOptions() {
        return memberOptions;
    }

    /**
     * Camel's HTTP endpoints pass unknown options on as the backend's query; Serai's producer forwards
     * the client's query instead, so an unknown option is a mistake and fails when the route starts.
     */
    @Override
    public boolean isLenientProperties() {
        return false;
    }

    /**
     * A reload starts a route's next generation, which listens on the same URI, while the old one drains.
     * Two routes that would answer the same requests are still refused: by Serai's RouteTable, which
     * names both.
     */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (resolveAll) {
            throw new IllegalArgumentException(
                    "netty-http option resolve is for backends (to:), not listeners (from:)");
        }
        if (ownTls.any()) {
            throw new IllegalArgumentException("netty-http options tlsCa, tlsClientCert, tlsClientKey and tlsServerName"
                    + " are for backends (to:), not listeners (from:); a listener's certificate is tlsCert and tlsKey");
        }
        if (listenerOptions.clientCertificates() && !getConfiguration().isSsl()) {
            throw new IllegalArgumentException("netty-http options tlsClientCa and tlsClientAuth are for https://"
                    + " listeners, and this one is http://" + getConfiguration().getHost() + ":"
                    + getConfiguration().getPort());
        }
        return super.createConsumer(processor);
    }

    @Override
    public Producer createProducer() throws Exception {
        if (routeOptions.any()) {
            throw new IllegalArgumentException("netty-http options virtualHosts, requestBuffering, responseBuffering"
                    + " and webSocket are for listeners (from:), not backends (to:)");
        }
        if (listenerOptions.any()) {
            throw new IllegalArgumentException("netty-http options proxyProtocol, tlsClientCa and tlsClientAuth are for"
                    + " listeners (from:), not backends (to:)");
        }
        // An aggregation's call marks its exchange with its merge options, which the strategy reads back.
        java.util.function.Consumer<Exchange> onCall = !backendCall.merged()
                ? exchange -> {}
                : exchange -> exchange.setProperty(CallOptions.PROPERTY, callOptions);
        // With resolve=all a balancer's members have each address's health: the name's own is made only if used.
        BackendHealth health = resolveAll ? null : backendHealth();
        return new UpstreamProducer(
                this,
                target(),
                upstreamClient,
                preserveHost,
                health != null ? () -> health : this::backendHealth,
                backendCall,
                onCall);
    }
}
