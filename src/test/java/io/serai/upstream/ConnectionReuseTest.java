package io.serai.upstream;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionReuseTest {

    @Test
    void theTimeoutOfAKeepAliveFieldIsReadWhateverItsOrderAndSpacing() {
        assertEquals(5, ConnectionReuse.announcedTimeoutSeconds("timeout=5, max=1000"));
        assertEquals(75, ConnectionReuse.announcedTimeoutSeconds("max=100,Timeout = 75"));
        assertEquals(-1, ConnectionReuse.announcedTimeoutSeconds("max=100"));
        assertEquals(-1, ConnectionReuse.announcedTimeoutSeconds("timeout=soon"));
        assertEquals(-1, ConnectionReuse.announcedTimeoutSeconds(null));
    }

    @Test
    void aPostOrPatchCanBeSentAgainOnlyWithAnIdempotencyKey() {
        assertFalse(ConnectionReuse.retriable(request(HttpMethod.POST, null)));
        assertFalse(ConnectionReuse.retriable(request(HttpMethod.PATCH, null)));
        assertTrue(ConnectionReuse.retriable(request(HttpMethod.POST, "8e03978e")));
        assertTrue(ConnectionReuse.retriable(request(HttpMethod.PATCH, "8e03978e")));
        assertTrue(ConnectionReuse.retriable(request(HttpMethod.GET, null)));
        assertTrue(ConnectionReuse.retriable(request(HttpMethod.DELETE, null)));
        assertFalse(ConnectionReuse.retriable(request(HttpMethod.CONNECT, null)));
    }

    private static DefaultHttpRequest request(HttpMethod method, String idempotencyKey) {
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/");
        if (idempotencyKey != null) {
            request.headers().set("Idempotency-Key", idempotencyKey);
        }
        return request;
    }
}
