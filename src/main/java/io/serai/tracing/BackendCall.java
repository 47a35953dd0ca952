package io.serai.tracing;

/**
 * What a client span says about one backend call: the method, the backend's scheme, host and port, the
 * request target as sent (path and query) and the member's name ({@code serai.member}).
 */
record BackendCall(String method, String scheme, String host, int port, String target, String member) {

    /** {@code url.full}: the URL the request went to, its query as sent. */
    String url() {
        boolean defaultPort = port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https");
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + target;
    }
}
