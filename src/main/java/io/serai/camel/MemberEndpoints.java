package io.serai.camel;

import io.serai.proxy.ProxyHttpEndpoint;
import org.apache.camel.Channel;
import org.apache.camel.DelegateProcessor;
import org.apache.camel.EndpointAware;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;

import java.util.ArrayDeque;
import java.util.Deque;

/** Finds the netty-http backend behind a load balancer's output, through Camel's channel wrappers. */
public final class MemberEndpoints {

    private static final int MAX_DEPTH = 16;

    private MemberEndpoints() {
    }

    /** The first netty-http endpoint the output sends to, or null when it sends elsewhere. */
    public static ProxyHttpEndpoint endpointOf(Processor output) {
        Deque<Processor> todo = new ArrayDeque<>();
        todo.add(output);
        for (int seen = 0; !todo.isEmpty() && seen < MAX_DEPTH; seen++) {
            Processor p = todo.poll();
            if (p instanceof EndpointAware aware && aware.getEndpoint() instanceof ProxyHttpEndpoint endpoint) {
                return endpoint;
            }
            if (p instanceof Channel channel && channel.getNextProcessor() != null) {
                todo.add(channel.getNextProcessor());
            }
            if (p instanceof DelegateProcessor delegate && delegate.getProcessor() != null) {
                todo.add(delegate.getProcessor());
            }
            if (p instanceof Navigate<?> navigate && navigate.hasNext()) {
                for (Object next : navigate.next()) {
                    if (next instanceof Processor processor) {
                        todo.add(processor);
                    }
                }
            }
        }
        return null;
    }
}
