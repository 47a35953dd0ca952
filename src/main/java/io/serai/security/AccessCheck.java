package io.serai.security;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.serai.camel.MeterRegistries;
import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import io.serai.http.RouteIds;
import io.serai.tracing.Tracing;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.support.AsyncProcessorSupport;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An access check, declared as a bean and used as a route step ({@code - process: {ref: <bean>}})
 * before the steps that call a backend. A refused request is answered here (401 with
 * {@code WWW-Authenticate}, or 403, each with a short reason) and the route stops, so nothing
 * unauthenticated reaches a backend. A check removes the credential it read from what is forwarded
 * unless the route sets {@code forwardCredentials: true}; the access log never writes header values
 * or queries, so credentials are never logged.
 */
public abstract class AccessCheck extends AsyncProcessorSupport implements CamelContextAware {

    private CamelContext camelContext;

    private boolean forwardCredentials;

    /** true forwards the credential the check read (an API key, Authorization) to the backend; by default it is removed. */
    public void setForwardCredentials(boolean forwardCredentials) {
        this.forwardCredentials = forwardCredentials;
    }

    public boolean isForwardCredentials() {
        return forwardCredentials;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Set by Camel when the route that uses the check is built; the check's threads come from it. */
    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** The context a started check takes its threads from (its ExecutorServiceManager). */
    protected CamelContext context() {
        if (camelContext == null) {
            throw new IllegalStateException(kind() + " check: started outside a CamelContext, so it has no threads");
        }
        return camelContext;
    }

    /** The check's name in the refusal metric, such as {@code api-key}. */
    protected abstract String kind();

    /**
     * Decides on the request in {@code exchange}. When it allows the request it also removes the
     * credential it read, unless {@link #isForwardCredentials()}, and adds what it passes on.
     */
    protected abstract Verdict check(Exchange exchange);

    /** Whether this check admits requests by their credentials (not, say, by their address). */
    protected boolean readsCredentials() {
        return true;
    }

    /**
     * Decides as {@link #check(Exchange)} does, handing the verdict to {@code done} once. A check whose
     * work would block a Netty event loop (hashing a password, fetching keys) overrides this to do
     * it on another thread; {@code done} may then run on that thread.
     */
    protected void check(Exchange exchange, Consumer<Verdict> done) {
        done.accept(check(exchange));
    }

    @Override
    public final boolean process(Exchange exchange, AsyncCallback callback) {
        // 0 deciding, 1 returned before the verdict, 2 the verdict came first (synchronously)
        AtomicInteger state = new AtomicInteger();
        check(exchange, verdict -> {
            if (verdict.allowed()) {
                if (readsCredentials()) {
                    exchange.setProperty(IngressRequest.AUTHENTICATED, Boolean.TRUE);
                }
            } else {
                refuse(exchange, verdict);
                exchange.setRouteStop(true);
                countRefusal(exchange, kind(), verdict.status());
            }
            callback.done(state.compareAndSet(0, 2));
        });
        return !state.compareAndSet(0, 1);
    }

    /** Answers {@code exchange} with the refusal, dropping everything the client sent. */
    public static void refuse(Exchange exchange, Verdict verdict) {
        Message message = exchange.getMessage();
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, verdict.status());
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        if (verdict.challenge() != null) {
            headers.put("WWW-Authenticate", verdict.challenge());
        }
        if (verdict.status() == 503) {
            headers.put("Retry-After", "1");
        }
        String title = HttpResponseStatus.valueOf(verdict.status()).toString();
        message.setBody(title + ": " + verdict.reason() + "\n");
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /** Counts a refusal in serai_access_refused_total (refusals are rare: the meters are looked up each time). */
    public static void countRefusal(Exchange exchange, String kind, int status) {
        Tracing.event(exchange, "serai.access.refused", "serai.access.check", kind);
        MeterRegistries.count(
                exchange.getContext(),
                "serai.access.refused",
                "Requests refused by an access check, by check and status",
                "route",
                RouteIds.of(exchange),
                "check",
                kind,
                "status",
                String.valueOf(status));
    }
}
