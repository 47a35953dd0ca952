package io.serai.tracing;

/**
 * What a client span says about one backend call: the method, the backend's scheme, host and port, the
 * request target as sent (path and query) and the member's name ({@code serai.member}).
 */
record BackendCall(String method, String scheme, String host, int port, String target, String member) {

    /** What every query value becomes in {@code url.full}, as the semantic conventions' redaction writes it. */
    static final String REDACTED = "REDACTED";

    /**
     * {@code url.full}: the URL the request went to, without userinfo and with every query value replaced by
     * {@value #REDACTED} (the names kept). Serai cannot know which parameters are secrets (a signature, an
     * access token, an API key a route forwards or adds), so it exports none of their values.
     */
    String url() {
        boolean defaultPort = port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https");
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + redacted(originForm(target));
    }

    /** The path and query of a target, an absolute-form one (with its authority and userinfo) included. */
    private static String originForm(String target) {
        int authority = target.indexOf("://");
        if (authority < 0 || target.startsWith("/")) {
            return target;
        }
        int path = target.indexOf('/', authority + 3);
        int query = target.indexOf('?', authority + 3);
        int from = path < 0 ? query : query < 0 ? path : Math.min(path, query);
        return from < 0 ? "/" : target.substring(from);
    }

    static String redacted(String target) {
        int fragment = target.indexOf('#');
        String withoutFragment = fragment < 0 ? target : target.substring(0, fragment);
        int q = withoutFragment.indexOf('?');
        if (q < 0) {
            return withoutFragment;
        }
        StringBuilder out = new StringBuilder(withoutFragment.length()).append(withoutFragment, 0, q + 1);
        String[] params = withoutFragment.substring(q + 1).split("&", -1);
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            int eq = params[i].indexOf('=');
            out.append(eq < 0 ? params[i] : params[i].substring(0, eq + 1) + REDACTED);
        }
        return out.toString();
    }
}
