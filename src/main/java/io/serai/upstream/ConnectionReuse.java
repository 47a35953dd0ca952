package io.serai.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;

import java.time.Duration;

/**
 * When a pooled keep-alive connection may carry a request. Every server closes a connection it has kept
 * idle for its own time-out, and a request sent as that close travels the other way is lost. A request
 * that can be sent again (idempotent, or a POST or PATCH with {@code Idempotency-Key}, as Go's transport
 * treats it) may take any pooled connection: it is retried on a fresh one. One that cannot is not sent
 * on a connection idle longer than the backend said it keeps one ({@code Keep-Alive: timeout=N}, less
 * 20% and at most 1 s), or than {@code serai.upstream.keep-alive-timeout} when it said nothing.
 */
final class ConnectionReuse {

    private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("serai.upstream.idleSince");
    private static final AttributeKey<Long> IDLE_LIMIT = AttributeKey.valueOf("serai.upstream.idleLimit");
    private static final long MAX_MARGIN_NANOS = Duration.ofSeconds(1).toNanos();

    private ConnectionReuse() {}

    /** True when {@code request} may be sent again after its connection failed before any response. */
    static boolean retriable(HttpRequest request) {
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PATCH)) {
            return request.headers().contains("Idempotency-Key");
        }
        return method.equals(HttpMethod.GET)
                || method.equals(HttpMethod.HEAD)
                || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.PUT)
                || method.equals(HttpMethod.DELETE)
                || method.equals(HttpMethod.TRACE);
    }

    /** Notes how long the backend keeps {@code ch} open while idle, from {@code response}'s Keep-Alive field. */
    static void learn(Channel ch, HttpResponse response) {
        long announced = announcedTimeoutSeconds(response.headers().get("Keep-Alive"));
        if (announced >= 0) {
            long nanos = Duration.ofSeconds(announced).toNanos();
            ch.attr(IDLE_LIMIT).set(nanos - Math.min(MAX_MARGIN_NANOS, nanos / 5));
        }
    }

    /** {@code ch} goes back to the pool now. */
    static void idleFromNow(Channel ch) {
        ch.attr(IDLE_SINCE).set(System.nanoTime());
    }

    /**
     * True when {@code ch}, taken from the pool, has been idle so long that the backend may be closing it,
     * so a request that cannot be sent again must not go on it.
     */
    static boolean mayBeClosing(Channel ch, Duration assumedTimeout) {
        Long since = ch.attr(IDLE_SINCE).get();
        if (since == null) {
            return false;
        }
        Long limit = ch.attr(IDLE_LIMIT).get();
        long allowed = limit != null ? limit : assumedTimeout.toNanos();
        return System.nanoTime() - since >= allowed;
    }

    /** N of {@code timeout=N} in a Keep-Alive field value ({@code timeout=5, max=100}), or -1. */
    static long announcedTimeoutSeconds(String keepAlive) {
        if (keepAlive == null) {
            return -1;
        }
        for (String part : keepAlive.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("timeout")) {
                try {
                    return Long.parseLong(p.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
