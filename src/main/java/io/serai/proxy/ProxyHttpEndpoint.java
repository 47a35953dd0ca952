package io.serai.proxy;

import io.serai.upstream.UpstreamClient;
import io.serai.upstream.UpstreamProducer;
import org.apache.camel.Producer;
import org.apache.camel.component.netty.NettyConfiguration;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;

/** A netty-http endpoint whose producer is Serai's upstream client; its consumer is Camel's. */
public class ProxyHttpEndpoint extends NettyHttpEndpoint {

    private final UpstreamClient upstreamClient;
    private final boolean preserveHost;

    public ProxyHttpEndpoint(String endpointUri, NettyHttpComponent component, NettyConfiguration configuration,
            UpstreamClient upstreamClient, boolean preserveHost) {
        super(endpointUri, component, configuration);
        this.upstreamClient = upstreamClient;
        this.preserveHost = preserveHost;
    }

    /**
     * Camel's HTTP endpoints pass unknown options on as the backend's query; Serai's producer forwards
     * the client's query instead, so an unknown option is a mistake and fails when the route starts.
     */
    @Override
    public boolean isLenientProperties() {
        return false;
    }

    @Override
    public Producer createProducer() throws Exception {
        return new UpstreamProducer(this, upstreamClient, preserveHost);
    }
}
