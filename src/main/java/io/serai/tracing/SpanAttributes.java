package io.serai.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys Serai's spans carry: the OpenTelemetry HTTP semantic conventions' (stable) names,
 * spelled here rather than taken from opentelemetry-semconv, a further jar for a dozen constants, and
 * Serai's own under {@code serai.}.
 */
final class SpanAttributes {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ROUTE_ID = AttributeKey.stringKey("serai.route.id");
    static final AttributeKey<String> MEMBER = AttributeKey.stringKey("serai.member");

    private SpanAttributes() {}
}
