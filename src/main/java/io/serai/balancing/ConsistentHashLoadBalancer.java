package io.serai.balancing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.component.netty.NettyConstants;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Sticky sessions by consistent hashing: the same key always goes to the same available member, and a
 * member that leaves or returns moves only its own share of keys. Rendezvous (highest random weight)
 * hashing over member names, so every replica of Serai maps a key alike; a request without a key goes
 * to a member at random. What {@code stickyLoadBalancer} (with its {@code correlationExpression})
 * becomes in Serai; as a bean, {@code key} is {@code header:NAME}, {@code cookie:NAME} or
 * {@code client-address} (the default).
 */
public class ConsistentHashLoadBalancer extends HealthAwareLoadBalancer {

    private String key = "client-address";
    private Function<Exchange, String> keyOf = ConsistentHashLoadBalancer::clientAddress;

    public ConsistentHashLoadBalancer() {
    }

    /** Keys from a Camel expression, as {@code stickyLoadBalancer}'s correlation expression. */
    public ConsistentHashLoadBalancer(Expression expression) {
        this.key = null;
        this.keyOf = exchange -> expression.evaluate(exchange, String.class);
    }

    public void setKey(String key) {
        String k = key.trim();
        if (k.equals("client-address")) {
            keyOf = ConsistentHashLoadBalancer::clientAddress;
        } else if (k.startsWith("header:") && k.length() > 7) {
            String name = k.substring(7).trim();
            keyOf = exchange -> exchange.getMessage().getHeader(name, String.class);
        } else if (k.startsWith("cookie:") && k.length() > 7) {
            String name = k.substring(7).trim();
            keyOf = exchange -> cookie(exchange, name);
        } else {
            throw new IllegalArgumentException("consistent hash key=" + key
                    + " is invalid: expected header:NAME, cookie:NAME or client-address");
        }
        this.key = k;
    }

    public String getKey() {
        return key;
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        String k = keyOf.apply(exchange);
        if (k == null || k.isEmpty()) {
            return available[ThreadLocalRandom.current().nextInt(available.length)];
        }
        long keyHash = HashKeys.hash64(k);
        Member best = available[0];
        long bestScore = Long.MIN_VALUE;
        for (Member m : available) {
            long score = HashKeys.mix(keyHash ^ m.hashSeed());
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    @Override
    public ConsistentHashLoadBalancer copy() {
        ConsistentHashLoadBalancer copy = withCommonSettings(new ConsistentHashLoadBalancer());
        copy.key = key;
        copy.keyOf = keyOf;
        return copy;
    }

    private static String cookie(Exchange exchange, String name) {
        String header = exchange.getMessage().getHeader("Cookie", String.class);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }

    private static String clientAddress(Exchange exchange) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext handler) {
            SocketAddress remote = handler.channel().remoteAddress();
            if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
                return inet.getAddress().getHostAddress();
            }
        }
        return null;
    }
}
