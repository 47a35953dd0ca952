package io.serai.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes a route's steps ask for in whatever answer the client finally gets: the backend's, a
 * cached one, a refusal or an error Serai made. Steps that run before the backend is called (CORS,
 * security headers) record them here, in an exchange property, and the ingress applies them when it
 * writes the response, so an error page or a 401 carries them too.
 */
public final class ResponseHeaderEdits {

    /** Exchange property holding this exchange's edits. */
    public static final String PROPERTY = "SeraiResponseHeaderEdits";

    /** One change to the response's fields. */
    public record Edit(Kind kind, String name, String value) {}

    public enum Kind {
        /** Replace every field of this name with the value. */
        SET,
        /** Add the field unless the response already has one of this name. */
        SET_IF_ABSENT,
        /** Remove every field of this name. */
        REMOVE,
        /** Make sure the Vary field lists this name. */
        VARY
    }

    private final List<Edit> edits = new ArrayList<>(8);

    private ResponseHeaderEdits() {}

    /** This exchange's edits, created on first use. */
    public static ResponseHeaderEdits of(Exchange exchange) {
        ResponseHeaderEdits edits = exchange.getProperty(PROPERTY, ResponseHeaderEdits.class);
        if (edits == null) {
            edits = new ResponseHeaderEdits();
            exchange.setProperty(PROPERTY, edits);
        }
        return edits;
    }

    public ResponseHeaderEdits add(Edit edit) {
        edits.add(edit);
        return this;
    }

    public ResponseHeaderEdits addAll(List<Edit> more) {
        edits.addAll(more);
        return this;
    }

    /** Applies the edits recorded in {@code exchange}, if any, in the order they were recorded. */
    public static void apply(Exchange exchange, HttpHeaders headers) {
        ResponseHeaderEdits recorded = exchange.getProperty(PROPERTY, ResponseHeaderEdits.class);
        if (recorded != null) {
            for (Edit edit : recorded.edits) {
                apply(edit, headers);
            }
        }
    }

    private static void apply(Edit edit, HttpHeaders headers) {
        switch (edit.kind()) {
            case SET -> headers.set(edit.name(), edit.value());
            case SET_IF_ABSENT -> {
                if (!headers.contains(edit.name())) {
                    headers.set(edit.name(), edit.value());
                }
            }
            case REMOVE -> headers.remove(edit.name());
            case VARY -> vary(headers, edit.name());
        }
    }

    private static void vary(HttpHeaders headers, String name) {
        for (String value : headers.getAll(HttpHeaderNames.VARY)) {
            for (String listed : value.split(",")) {
                String token = listed.trim();
                if (token.equals("*") || token.equalsIgnoreCase(name)) {
                    return;
                }
            }
        }
        headers.add(HttpHeaderNames.VARY, name);
    }
}
