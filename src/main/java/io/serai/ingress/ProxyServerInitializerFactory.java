package io.serai.ingress;

import io.netty.channel.Channel;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * Camel's netty-http server pipeline plus what a proxy needs in front of the routes: request heads a
 * strict edge refuses are answered before any body is read, responses to
 * pipelined requests leave in request order, HTTP/1.0 requests without Host are accepted, and each
 * request carries the address of the client that sent it (for X-Forwarded-For), and requests wait
 * at the {@link RouteSwapGate} while routes are reloaded.
 */
public class ProxyServerInitializerFactory extends HttpServerInitializerFactory {

    private final NettyHttpConsumer consumer;
    private final RouteSwapGate gate;

    public ProxyServerInitializerFactory(NettyHttpConsumer consumer, RouteSwapGate gate) {
        super(consumer);
        this.consumer = consumer;
        this.gate = gate;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new ProxyServerInitializerFactory((NettyHttpConsumer) consumer, gate);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        NettyHttpConfiguration c = consumer.getConfiguration();
        ch.pipeline().replace("decoder", "decoder",
                new StrictRequestDecoder(c.getMaxInitialLineLength(), c.getMaxHeaderSize(), c.getMaxChunkSize()));
        ch.pipeline().addAfter("decoder", "http10-host", new Http10HostDefault());
        // After the encoder, so that a refusal written from here is encoded on its way out.
        ch.pipeline().addBefore("aggregator", "validator", new RequestValidator());
        ch.pipeline().addBefore("handler", "client-address", new ClientAddressTagger());
        ch.pipeline().addBefore("handler", "pipelining", new PipelinedRequestSequencer());
        ch.pipeline().addBefore("handler", "swap-gate", new SwapGateHandler(gate));
    }
}
