package io.serai.upstream;

import io.netty.handler.codec.http.FullHttpRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * The producer behind {@code to: netty-http:...}: sends the exchange to its backend through
 * {@link UpstreamClient} without blocking, and completes it with the backend's response or with an
 * {@link UpstreamException} that load balancers and circuit breakers see as a failure.
 */
public class UpstreamProducer extends DefaultAsyncProducer {

    private final UpstreamClient client;
    private final UpstreamTarget target;
    private final boolean preserveHost;

    public UpstreamProducer(NettyHttpEndpoint endpoint, UpstreamClient client, boolean preserveHost) {
        super(endpoint);
        this.client = client;
        this.preserveHost = preserveHost;
        NettyHttpConfiguration c = endpoint.getConfiguration();
        this.target = new UpstreamTarget(c.getHost(), c.getPort(), c.isSsl(), c.getPath());
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        FullHttpRequest request;
        try {
            request = UpstreamRequests.build(exchange, target, preserveHost);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        client.send(exchange, target, request, callback);
        return false;
    }
}
