package io.serai.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.serai.camel.MeterRegistries;
import io.serai.health.BackendHealth;
import io.serai.health.LoadReport;
import io.serai.http.IngressRequest;
import io.serai.http.MessageBodies;
import io.serai.http.ResponseStatus;
import io.serai.http.RouteIds;
import io.serai.http.UpstreamException;
import io.serai.tracing.FailureKinds;
import io.serai.tracing.Tracing;
import io.serai.tracing.UpstreamAttempt;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The producer behind {@code to: netty-http:...}: sends the exchange to its backend through
 * {@link UpstreamClient} without blocking, and completes it with the backend's response or with an
 * {@link UpstreamException} that load balancers and circuit breakers see as a failure. Every outcome
 * is told to the backend's {@link BackendHealth} (passive ejection), and a load report the backend
 * sent in {@code endpoint-load-metrics} is kept there, not passed on to the client. A call a
 * {@code resolve=all} member pinned to one address ({@link AddressPin}) goes there and counts for that
 * address's health and meters.
 */
public class UpstreamProducer extends DefaultAsyncProducer {

    private final UpstreamClient client;
    private final UpstreamTarget target;
    private final boolean preserveHost;
    private final Supplier<BackendHealth> health;
    private final BackendCallOptions call;
    private final Consumer<Exchange> onCall;
    private volatile RouteMeters lastMeters;

    public UpstreamProducer(
            Endpoint endpoint,
            UpstreamTarget target,
            UpstreamClient client,
            boolean preserveHost,
            Supplier<BackendHealth> health,
            BackendCallOptions call,
            Consumer<Exchange> onCall) {
        super(endpoint);
        this.target = target;
        this.client = client;
        this.preserveHost = preserveHost;
        this.health = health;
        this.call = call;
        this.onCall = onCall;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AddressPin pin = AddressPin.of(exchange, getEndpoint());
        UpstreamTarget to = pin == null ? target : pin.target();
        BackendHealth backend = pin == null ? health.get() : pin.health();
        FullHttpRequest request;
        UpstreamAttempt traced;
        try {
            onCall.accept(exchange);
            request = UpstreamRequests.build(exchange, to, preserveHost, call.query());
            if (call.isMerged(exchange)) {
                // Serai decodes what it merges and answers the client uncompressed: ask only for what it decodes.
                request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate");
            }
            if (WebSocketUpgrade.isRequested(exchange) && !call.isMerged(exchange)) {
                // Only the call whose answer is the client's may switch protocols; a merge's or a copy's never.
                WebSocketUpgrade.ask(request.headers());
            }
            // Its own client span when tracing is on, whose context the backend gets in traceparent.
            traced = Tracing.attempt(
                    exchange,
                    request.method().name(),
                    to.tls() ? "https" : "http",
                    to.host(),
                    to.port(),
                    request.uri(),
                    backend.backend(),
                    request.headers());
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        // A merge, a multicast's copy and a route with responseBuffering=true take the body whole.
        boolean whole = call.isMerged(exchange) || exchange.getProperty(IngressRequest.BUFFER_RESPONSE) != null;
        Long holdUpTo = exchange.getProperty(IngressRequest.HOLD_RESPONSE_UP_TO, Long.class);
        long started = System.nanoTime();
        client.send(
                exchange,
                to,
                request,
                MessageBodies.streaming(exchange.getMessage()),
                call.callTimeout(),
                client.holding(whole, holdUpTo == null ? 0 : holdUpTo),
                !call.isMerged(exchange),
                doneSync -> {
                    recordOutcome(exchange, backend);
                    if (traced != UpstreamAttempt.NONE) {
                        Exception failure = exchange.getException();
                        int status = failure == null ? ResponseStatus.of(exchange.getMessage()) : 0;
                        traced.ended(status, FailureKinds.of(failure, status));
                    }
                    measure(exchange, backend, System.nanoTime() - started);
                    callback.done(doneSync);
                });
        return false;
    }

    /** Counts the call for its route and backend, unless the client left before it ended. */
    private void measure(Exchange exchange, BackendHealth health, long nanos) {
        String route = RouteIds.of(exchange);
        UpstreamMeters meters = metersOf(exchange, route, health.backend());
        if (meters == null) {
            return;
        }
        exchange.setProperty(IngressRequest.BACKEND, health.backend());
        Exception failure = exchange.getException();
        if (failure instanceof UpstreamException upstream) {
            if (upstream.kind() != UpstreamException.Kind.ABANDONED) {
                meters.done(0, upstream.kind(), nanos);
            }
        } else if (failure == null) {
            meters.done(ResponseStatus.of(exchange.getMessage()), null, nanos);
        }
    }

    /**
     * The meters of {@code backend} for {@code route}: looked up once and kept, since a producer almost
     * always serves one route and one backend, so the request path only increments meters it holds.
     */
    private UpstreamMeters metersOf(Exchange exchange, String route, String backend) {
        RouteMeters last = lastMeters;
        if (last != null && last.route().equals(route) && last.backend().equals(backend)) {
            return last.meters();
        }
        MeterRegistry registry = MeterRegistries.of(exchange.getContext());
        if (registry == null) {
            return null;
        }
        UpstreamMeters meters = UpstreamMeters.of(registry, route, backend);
        lastMeters = new RouteMeters(route, backend, meters);
        return meters;
    }

    private record RouteMeters(String route, String backend, UpstreamMeters meters) {}

    private static void recordOutcome(Exchange exchange, BackendHealth health) {
        Exception failure = exchange.getException();
        if (failure instanceof UpstreamException upstream) {
            if (upstream.kind() != UpstreamException.Kind.ABANDONED) {
                health.recordFailure(upstream.getMessage());
            }
            return;
        }
        if (failure != null) {
            return;
        }
        Object report = exchange.getMessage().removeHeader(LoadReport.HEADER);
        if (report != null) {
            LoadReport parsed = LoadReport.parse(report.toString(), System.nanoTime());
            if (parsed != null) {
                health.reportLoad(parsed);
            }
        }
        int status = ResponseStatus.of(exchange.getMessage());
        if (status >= 500) {
            health.recordFailure("answered " + status);
        } else {
            health.recordSuccess();
        }
    }
}
