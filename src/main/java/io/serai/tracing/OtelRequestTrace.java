package io.serai.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

/** A request's SERVER span and the context its client spans are children of. */
final class OtelRequestTrace implements RequestTrace {

    private final Span server;
    private final Context context;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    OtelRequestTrace(Span server, Context context, Tracer tracer, TextMapPropagator propagator) {
        this.server = server;
        this.context = context;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    Span server() {
        return server;
    }

    @Override
    public void event(String name, String key, String value) {
        if (key == null) {
            server.addEvent(name);
        } else {
            server.addEvent(name, Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey(key), value));
        }
    }

    @Override
    public UpstreamAttempt attempt(BackendCall call, int resendCount, HttpHeaders outgoing) {
        var span = tracer.spanBuilder(call.method())
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(SpanAttributes.METHOD, call.method())
                .setAttribute(SpanAttributes.SERVER_ADDRESS, call.host())
                .setAttribute(SpanAttributes.SERVER_PORT, (long) call.port())
                .setAttribute(SpanAttributes.URL_FULL, call.url())
                .setAttribute(SpanAttributes.MEMBER, call.member());
        if (resendCount > 0) {
            span.setAttribute(SpanAttributes.RESEND_COUNT, (long) resendCount);
        }
        Span client = span.startSpan();
        // The client's own trace fields were copied with its other headers: the backend gets only this span's,
        // in the configured propagators' fields, and no stale context of another format beside them.
        for (String field : Tracing.TRACE_FIELDS) {
            outgoing.remove(field);
        }
        for (String field : propagator.fields()) {
            outgoing.remove(field);
        }
        propagator.inject(context.with(client), outgoing, HeaderCarrier.INSTANCE);
        return new OtelUpstreamAttempt(client);
    }
}
