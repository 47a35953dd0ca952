package io.serai.ingress;

import io.netty.channel.Channel;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * Camel's netty-http server pipeline plus what a proxy needs in front of the routes: responses to
 * pipelined requests leave in request order, HTTP/1.0 requests without Host are accepted, and each
 * request carries the address of the client that sent it (for X-Forwarded-For).
 */
public class ProxyServerInitializerFactory extends HttpServerInitializerFactory {

    public ProxyServerInitializerFactory() {
    }

    public ProxyServerInitializerFactory(NettyHttpConsumer consumer) {
        super(consumer);
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new ProxyServerInitializerFactory((NettyHttpConsumer) consumer);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        ch.pipeline().addAfter("decoder", "http10-host", new Http10HostDefault());
        ch.pipeline().addBefore("handler", "client-address", new ClientAddressTagger());
        ch.pipeline().addBefore("handler", "pipelining", new PipelinedRequestSequencer());
    }
}
