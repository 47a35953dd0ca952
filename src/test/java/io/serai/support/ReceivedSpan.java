package io.serai.support;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as {@link OtlpReceiver} decoded it, with the attributes of the resource that exported it, and the
 * readings a test asserts on: ids in the lowercase hex of {@code traceparent}, attributes as text.
 */
public record ReceivedSpan(Span span, Map<String, String> resource) {

    private static final HexFormat HEX = HexFormat.of();

    public String name() {
        return span.getName();
    }

    public Span.SpanKind kind() {
        return span.getKind();
    }

    public String traceId() {
        return HEX.formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
        return HEX.formatHex(span.getSpanId().toByteArray());
    }

    /** The parent's span id, or "" for a root span. */
    public String parentSpanId() {
        return HEX.formatHex(span.getParentSpanId().toByteArray());
    }

    /** The span's attributes as text (numbers and booleans as they print), in the order they came. */
    public Map<String, String> attributes() {
        return textOf(span.getAttributesList());
    }

    /** One attribute as text, or null when the span does not have it. */
    public String attribute(String key) {
        return attributes().get(key);
    }

    public List<String> eventNames() {
        return span.getEventsList().stream().map(Span.Event::getName).toList();
    }

    /** The attributes of the first event named {@code name}, or an empty map when there is none. */
    public Map<String, String> eventAttributes(String name) {
        return span.getEventsList().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .map(e -> textOf(e.getAttributesList()))
                .orElse(Map.of());
    }

    static Map<String, String> textOf(List<KeyValue> attributes) {
        Map<String, String> text = new LinkedHashMap<>();
        attributes.forEach(kv -> text.put(kv.getKey(), textOf(kv.getValue())));
        return text;
    }

    private static String textOf(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString().strip();
        };
    }

    @Override
    public String toString() {
        return kind() + " \"" + name() + "\" trace=" + traceId() + " span=" + spanId() + " parent=" + parentSpanId()
                + " " + attributes() + (span.getEventsCount() > 0 ? " events=" + eventNames() : "");
    }
}
