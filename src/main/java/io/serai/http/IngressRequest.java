package io.serai.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;

/**
 * What Serai remembers of the client's request for the length of an exchange: enough to frame the
 * response correctly (HEAD, HTTP/1.0, keep-alive) and to tell the backend's headers from the
 * client's own, which must never be echoed back.
 */
public record IngressRequest(
        HttpMethod method, HttpVersion version, boolean keepAlive, HttpHeaders headers, RequestTarget target) {

    /** Exchange property holding this record. */
    public static final String PROPERTY = "SeraiIngressRequest";

    /** Exchange property holding the normalized request path, for access rules in routes. */
    public static final String NORMALIZED_PATH = "seraiPath";

    /** Exchange property: the backend (its origin) that answered, for the access log. */
    public static final String BACKEND = "seraiBackend";

    /** Exchange property holding the request's {@code BodyStream}, when its body follows the head. */
    public static final String REQUEST_BODY = "seraiRequestBody";

    /** Exchange property holding the response's {@code BodyStream} once it is being written to the client. */
    public static final String RESPONSE_BODY = "seraiResponseBody";

    /** Exchange property: the route asked for whole responses ({@code responseBuffering=true}). */
    public static final String BUFFER_RESPONSE = "seraiBufferResponse";

    /** Exchange property (a Long): a step that may use the response whole (a cache) asks to keep that many bytes. */
    public static final String HOLD_RESPONSE_UP_TO = "seraiHoldResponseUpTo";

    /** Exchange property set once a backend's response has become the message. */
    public static final String UPSTREAM_ANSWERED = "SeraiUpstreamAnswered";

    /**
     * Exchange property set once an access check that reads credentials has let the request on: a
     * shared cache then treats the request as authenticated (RFC 9111 section 3.5), as if the
     * credential the check removed were still there.
     */
    public static final String AUTHENTICATED = "seraiAuthenticated";

    public static IngressRequest of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, IngressRequest.class);
    }

    public boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }
}
