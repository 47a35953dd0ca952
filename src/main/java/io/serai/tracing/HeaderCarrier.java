package io.serai.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** Netty's headers as OpenTelemetry's propagators read (the client's) and write (a backend's) them. */
enum HeaderCarrier implements TextMapGetter<HttpHeaders>, TextMapSetter<HttpHeaders> {
    INSTANCE;

    @Override
    public Iterable<String> keys(HttpHeaders carrier) {
        return carrier.names();
    }

    @Override
    public String get(HttpHeaders carrier, String key) {
        return carrier == null ? null : carrier.get(key);
    }

    @Override
    public void set(HttpHeaders carrier, String key, String value) {
        if (carrier != null) {
            carrier.set(key, value);
        }
    }
}
