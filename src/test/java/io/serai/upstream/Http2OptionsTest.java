package io.serai.upstream;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.serai.http.TrailerFields;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The member option {@code protocol=h2}, and which trailer fields cross Serai. */
class Http2OptionsTest {

    @Test
    void protocolH2IsTakenOutOfTheEndpointsOptions() {
        Map<String, Object> parameters = new HashMap<>(Map.of("protocol", "h2", "other", "x"));
        assertTrue(UpstreamTarget.takeHttp2(parameters, "netty-http:http://b:1"));
        assertEquals(Map.of("other", "x"), parameters);
        assertFalse(UpstreamTarget.takeHttp2(new HashMap<>(), "netty-http:http://b:1"));
    }

    @Test
    void anyOtherProtocolFailsTheRouteNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> UpstreamTarget.takeHttp2(new HashMap<>(Map.of("protocol", "h3")), "netty-http:http://b:1"));
        assertEquals(
                "netty-http option protocol of netty-http:http://b:1: expected h2 (HTTP/2 to the backend), got h3",
                e.getMessage());
    }

    @Test
    void aTrailerKeepsGrpcStatusAndLosesFramingRoutingAndHopByHopFields() {
        HttpHeaders trailers = new DefaultHttpHeaders()
                .add("grpc-status", "0")
                .add("grpc-message", "ok")
                .add("Content-Length", "3")
                .add("Transfer-Encoding", "chunked")
                .add("Host", "evil")
                .add("Connection", "X-Hop")
                .add("X-Hop", "1")
                .add("Set-Cookie", "a=1")
                .add("CamelHttpResponseCode", "500");
        HttpHeaders kept = TrailerFields.allowed(trailers);
        assertEquals(2, kept.size(), kept.toString());
        assertEquals("0", kept.get("grpc-status"));
        assertEquals("ok", kept.get("grpc-message"));
        assertTrue(TrailerFields.allowed(new DefaultHttpHeaders()).isEmpty());
        assertTrue(TrailerFields.allowed(null).isEmpty());
    }
}
