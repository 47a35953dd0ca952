package io.serai.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/** A backend attempt's CLIENT span. */
final class OtelUpstreamAttempt implements UpstreamAttempt {

    private final Span span;

    OtelUpstreamAttempt(Span span) {
        this.span = span;
    }

    @Override
    public void ended(int status, String errorType) {
        if (status > 0) {
            span.setAttribute(SpanAttributes.STATUS, status);
        }
        if (errorType != null) {
            span.setAttribute(SpanAttributes.ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
