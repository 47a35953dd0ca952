package io.serai.resilience;

import io.serai.camel.MeterRegistries;
import io.serai.camel.WrappedSteps;
import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;

/**
 * Admits a request when its key's allowance has a token, and then tells the client what is left in
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds until the
 * allowance is full); otherwise answers 429 with the same fields and {@code Retry-After}, without
 * calling the steps inside.
 */
final class RateLimitProcessor extends WrappedSteps {

    private final RateLimitPolicy policy;
    private final String routeId;

    RateLimitProcessor(AsyncProcessor next, RateLimitPolicy policy, String routeId) {
        super(next);
        this.policy = policy;
        this.routeId = routeId;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        TokenBucket.Take take = policy.take(exchange, System.nanoTime());
        if (!take.admitted()) {
            MeterRegistries.count(
                    exchange.getContext(),
                    "serai.rate.limited",
                    "Requests refused with 429 by a rate limit",
                    "route",
                    routeId);
            reject(exchange, take);
            callback.done(true);
            return true;
        }
        return next.process(exchange, doneSync -> {
            if (exchange.getException() == null) {
                describe(exchange.getMessage().getHeaders(), take);
            }
            callback.done(doneSync);
        });
    }

    private void reject(Exchange exchange, TokenBucket.Take take) {
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 429);
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Retry-After", String.valueOf(Math.max(1, seconds(take.nanosUntilNext()))));
        describe(headers, take);
        message.setBody("429 Too Many Requests: more than " + policy.getLimit() + " requests per "
                + periodText() + " for this " + (policy.getKey().equals(RateLimitPolicy.GLOBAL) ? "route" : "client")
                + "\n");
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    private void describe(Map<String, Object> headers, TokenBucket.Take take) {
        headers.put("RateLimit-Limit", String.valueOf(policy.burst()));
        headers.put("RateLimit-Remaining", String.valueOf(take.remaining()));
        headers.put("RateLimit-Reset", String.valueOf(seconds(take.nanosUntilFull())));
    }

    private String periodText() {
        double seconds = policy.getLimit() / policy.perSecond();
        return seconds == 1 ? "second" : (seconds == Math.rint(seconds) ? (long) seconds + " seconds" : seconds + " s");
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
