package io.serai.resilience;

import io.serai.camel.ExchangeTimers;
import io.serai.camel.MeterRegistries;
import io.serai.camel.WrappedSteps;
import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import io.serai.shared.SharedRedis;
import io.serai.tracing.Tracing;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Admits a request when its key's allowance has a token, and then tells the client what is left in
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds until the
 * allowance is full); otherwise answers 429 with the same fields and {@code Retry-After}, without
 * calling the steps inside. A cluster limit asks Redis without waiting for it: the request goes on, on
 * its client connection's event loop, when Redis answers; when Redis fails, the local fallback decides
 * (or a 503 when the limit fails closed).
 */
final class RateLimitProcessor extends WrappedSteps {

    private final RateLimitPolicy policy;
    private final ClusterAllowances shared;
    private final String routeId;

    RateLimitProcessor(AsyncProcessor next, RateLimitPolicy policy, ClusterAllowances shared, String routeId) {
        super(next);
        this.policy = policy;
        this.shared = shared;
        this.routeId = routeId;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String key = policy.keyOf(exchange);
        if (shared == null) {
            return decide(exchange, policy.local().take(key), callback, true);
        }
        CompletableFuture<RateLimitTake> take = shared.take(key);
        if (take.isDone()) {
            // Refused at once (not connected, breaker open): no hop, no wait.
            return afterRedis(exchange, key, take, callback, true);
        }
        ExchangeTimers.whenDone(exchange, take, () -> {
            try {
                afterRedis(exchange, key, take, callback, false);
            } catch (RuntimeException e) {
                exchange.setException(e);
                callback.done(false);
            }
        });
        return false;
    }

    private boolean afterRedis(
            Exchange exchange,
            String key,
            CompletableFuture<RateLimitTake> take,
            AsyncCallback callback,
            boolean sync) {
        if (!take.isCompletedExceptionally()) {
            return decide(exchange, take.join(), callback, sync);
        }
        SharedRedis redis = SharedRedis.lookup(exchange.getContext());
        boolean closed = redis.settings().rateLimitsFailClosed();
        MeterRegistries.count(
                exchange.getContext(),
                "serai.rate.limit.fallbacks",
                "Requests on a scope: cluster rate limit decided without Redis, by fallback mode",
                "route",
                routeId,
                "mode",
                closed ? "closed" : "open");
        if (closed) {
            unavailable(exchange);
            callback.done(sync);
            return sync;
        }
        return decide(
                exchange, policy.fallback(redis.settings().fallbackReplicas()).take(key), callback, sync);
    }

    private boolean decide(Exchange exchange, RateLimitTake take, AsyncCallback callback, boolean sync) {
        if (!take.admitted()) {
            Tracing.event(exchange, "serai.rate_limit.refused");
            MeterRegistries.count(
                    exchange.getContext(),
                    "serai.rate.limited",
                    "Requests refused with 429 by a rate limit",
                    "route",
                    routeId);
            reject(exchange, take);
            callback.done(sync);
            return sync;
        }
        boolean stepsSync = next.process(exchange, doneSync -> {
            if (exchange.getException() == null) {
                describe(exchange.getMessage().getHeaders(), take);
            }
            callback.done(sync && doneSync);
        });
        return sync && stepsSync;
    }

    private void reject(Exchange exchange, RateLimitTake take) {
        Map<String, Object> headers = answer(exchange, 429, take.nanosUntilNext());
        describe(headers, take);
        exchange.getMessage()
                .setBody("429 Too Many Requests: more than " + policy.getLimit() + " requests per "
                        + periodText() + " for this "
                        + (policy.getKey().equals(RateLimitPolicy.GLOBAL) ? "route" : "client") + "\n");
    }

    private void unavailable(Exchange exchange) {
        answer(exchange, 503, 0);
        exchange.getMessage()
                .setBody("503 Service Unavailable: the shared rate limit of this route cannot be checked"
                        + " (Redis is unavailable); try again shortly\n");
    }

    private static Map<String, Object> answer(Exchange exchange, int status, long nanosToWait) {
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, status);
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Retry-After", String.valueOf(Math.max(1, seconds(nanosToWait))));
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
        return headers;
    }

    private static void describe(Map<String, Object> headers, RateLimitTake take) {
        headers.put("RateLimit-Limit", String.valueOf(take.capacity()));
        headers.put("RateLimit-Remaining", String.valueOf(take.remaining()));
        headers.put("RateLimit-Reset", String.valueOf(seconds(take.nanosUntilFull())));
    }

    private String periodText() {
        double seconds = policy.period().toNanos() / 1e9;
        return seconds == 1 ? "second" : (seconds == Math.rint(seconds) ? (long) seconds + " seconds" : seconds + " s");
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
