package io.serai.http;

import org.apache.camel.CamelContext;

/**
 * {@code serai.errors.verbose}: whether the 502/503/504 bodies clients get name the backend (its host
 * and port, and what the network said). Off by default: a client learns the route and what failed,
 * and the log keeps the rest. Bound in the registry, so each failure reads it without a setting lookup.
 */
public record ErrorVerbosity(boolean verbose) {

    public static final String BEAN_NAME = "seraiErrorVerbosity";
    public static final String SETTING = "serai.errors.verbose";

    /** The context's setting; terse when Serai's configuration did not bind one (a bare CamelContext). */
    public static boolean verbose(CamelContext context) {
        ErrorVerbosity bound =
                context == null ? null : context.getRegistry().lookupByNameAndType(BEAN_NAME, ErrorVerbosity.class);
        return bound != null && bound.verbose();
    }
}
