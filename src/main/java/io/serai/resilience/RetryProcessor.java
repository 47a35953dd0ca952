package io.serai.resilience;

import io.serai.balancing.BodyReplay;
import io.serai.balancing.TriedMembers;
import io.serai.camel.ExchangeTimers;
import io.serai.camel.WrappedSteps;
import io.serai.http.Failures;
import io.serai.http.IngressRequest;
import io.serai.http.ResponseStatus;
import io.serai.http.UpstreamException;
import io.serai.http.body.BodyStream;
import io.serai.tracing.Tracing;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.util.CaseInsensitiveMap;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tries a request again when its policy allows: the method, the kind of failure, the attempts left,
 * the retry budget, and its body (a streamed body only while no more than serai.stream.replay-buffer of
 * it has gone, {@link BodyReplay}). Nothing has reached the client yet (a failed try's answer is never
 * passed on), and the request is sent again exactly as it first went; a load balancer inside skips the
 * members already tried ({@link TriedMembers}).
 */
final class RetryProcessor extends WrappedSteps {

    private final RetryPolicy policy;

    RetryProcessor(AsyncProcessor next, RetryPolicy policy) {
        super(next);
        this.policy = policy;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        IngressRequest ingress = IngressRequest.of(exchange);
        String method = ingress != null
                ? ingress.method().name()
                : exchange.getMessage().getHeader(NettyHttpConstants.HTTP_METHOD, "GET", String.class);
        RetryBudget budget = policy.retryBudget();
        budget.request(System.nanoTime());
        if (policy.attempts() < 2 || !policy.retries(method)) {
            return next.process(exchange, callback);
        }
        TriedMembers.startOn(exchange);
        // The tries are one call's attempts: its client spans count resends from the first try.
        AsyncCallback done = !Tracing.callBegins(exchange)
                ? callback
                : doneSync -> {
                    Tracing.callEnded(exchange);
                    callback.done(doneSync);
                };
        new Attempts(exchange, done, budget).run();
        return false;
    }

    /** Runs {@code task} for {@code exchange} after {@code delayMillis}: the one place retries set a timer. */
    private static void resumeLater(Exchange exchange, long delayMillis, Runnable task) {
        ExchangeTimers.schedule(exchange, delayMillis, TimeUnit.MILLISECONDS, task);
    }

    /** One request's tries, each started by the previous one's end. */
    private final class Attempts implements Runnable {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final RetryBudget budget;
        private final Map<String, Object> requestHeaders;
        private final Object requestBody;
        private int tried;

        Attempts(Exchange exchange, AsyncCallback callback, RetryBudget budget) {
            this.exchange = exchange;
            this.callback = callback;
            this.budget = budget;
            this.requestHeaders = new CaseInsensitiveMap(exchange.getMessage().getHeaders());
            this.requestBody = exchange.getMessage().getBody();
        }

        @Override
        public void run() {
            tried++;
            next.process(exchange, doneSync -> ended());
        }

        private void ended() {
            String failure = failure();
            if (failure == null || tried >= policy.attempts() || !policy.retriesOn(failure)) {
                callback.done(false);
                return;
            }
            if (!BodyReplay.possible(exchange, requestBody, "retry", failure)) {
                // Part of the body has gone and is not kept (past serai.stream.replay-buffer).
                callback.done(false);
                return;
            }
            if (!budget.tryRetry(System.nanoTime())) {
                callback.done(false);
                return;
            }
            restoreRequest();
            long base = policy.backoff().toMillis() << Math.min(tried - 1, 4);
            long wait = base <= 0 ? 0 : ThreadLocalRandom.current().nextLong(base + 1);
            if (wait == 0) {
                run();
            } else {
                resumeLater(exchange, wait, this);
            }
        }

        /** The kind of failure this try ended in, as {@code retryOn} names them, or null for none. */
        private String failure() {
            Exception e = exchange.getException();
            if (e instanceof UpstreamException u) {
                return switch (u.kind()) {
                    case CONNECT_FAILED, TLS_HANDSHAKE -> "connect-failure";
                    case NO_RESPONSE, BAD_RESPONSE -> "reset";
                    case TIMED_OUT -> "timeout";
                    default -> null;
                };
            }
            if (e != null) {
                return null;
            }
            int status = ResponseStatus.of(exchange.getMessage());
            if (status == 502 || status == 503 || status == 504) {
                return policy.retriesOn("gateway-error") ? "gateway-error" : "5xx";
            }
            return status >= 500 ? "5xx" : null;
        }

        /** The request as it first went: the failure and any answer go. */
        private void restoreRequest() {
            Failures.clear(exchange);
            exchange.removeProperty(IngressRequest.UPSTREAM_ANSWERED);
            Message message = exchange.getMessage();
            if (message.getBody() instanceof BodyStream answer && answer != requestBody) {
                // The failed try's answer streams from a backend nobody will read now.
                answer.cancel();
            }
            message.getHeaders().clear();
            message.getHeaders().putAll(requestHeaders);
            message.setBody(requestBody);
        }
    }
}
