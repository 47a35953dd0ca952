package io.serai.caching;

import io.netty.buffer.Unpooled;
import io.serai.http.HeaderValues;
import io.serai.http.IngressRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.util.Map;
import java.util.Set;

/**
 * Makes the exchange's message an answer the cache gives by itself: a stored response (with its Age),
 * a 304 to a client whose copy is current, a 206 or 416 to a Range request ({@link RangeRequests}), or a 504 for only-if-cached with nothing stored. The body
 * is the stored array itself; the only copy on a hit is Netty's write to the socket.
 */
final class CachedAnswers {

    /** What a 304 carries of the stored 200 (RFC 9110 section 15.4.5). */
    private static final Set<String> NOT_MODIFIED_FIELDS =
            Set.of("cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified", "via");

    private CachedAnswers() {}

    /**
     * Answers with {@code stored}, or with 304 when {@code conditionals} (the client's request fields)
     * show the client already has it.
     */
    static void serve(
            Exchange exchange, StoredResponse stored, long now, CacheStatus status, Map<String, Object> conditionals) {
        boolean notModified =
                Conditionals.isConditional(conditionals) && Conditionals.notModified(conditionals, stored);
        // Preconditions before Range (RFC 9110 section 13.2.2): a 304 is never partial.
        ByteRange range = notModified ? null : RangeRequests.applicable(conditionals, stored, isHead(exchange));
        if (range != null) {
            long[] slice = range.within(stored.body.length);
            if (slice == null) {
                unsatisfiable(exchange, stored, status);
            } else {
                partial(exchange, stored, now, status, slice);
            }
            return;
        }
        Map<String, Object> headers = cleared(exchange.getMessage());
        String[] fields = stored.fields;
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (!notModified || NOT_MODIFIED_FIELDS.contains(fields[i].toLowerCase(java.util.Locale.ROOT))) {
                HeaderValues.append(headers, fields[i], fields[i + 1]);
            }
        }
        headers.put("Age", String.valueOf(Math.max(0, stored.age(now) / 1000)));
        HeaderValues.append(headers, CacheStatus.FIELD, status.toString());
        Message message = exchange.getMessage();
        if (notModified) {
            headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 304);
            headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, "Not Modified");
            message.setBody(null);
        } else {
            headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, stored.status);
            headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, stored.reason);
            message.setBody(stored.body);
        }
        exchange.setException(null);
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /**
     * 206 with bytes {@code slice[0]} to {@code slice[1]} of the stored body (RFC 9110 section 15.3.7):
     * the stored fields with the part's Content-Range; the body is a view of the stored array, not a copy.
     */
    private static void partial(Exchange exchange, StoredResponse stored, long now, CacheStatus status, long[] slice) {
        Map<String, Object> headers = cleared(exchange.getMessage());
        String[] fields = stored.fields;
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (!fields[i].equalsIgnoreCase("Content-Length") && !fields[i].equalsIgnoreCase("Content-Range")) {
                HeaderValues.append(headers, fields[i], fields[i + 1]);
            }
        }
        int first = (int) slice[0];
        int length = (int) (slice[1] - slice[0] + 1);
        headers.put("Content-Range", "bytes " + slice[0] + "-" + slice[1] + "/" + stored.body.length);
        headers.put("Content-Length", String.valueOf(length));
        headers.put("Age", String.valueOf(Math.max(0, stored.age(now) / 1000)));
        HeaderValues.append(headers, CacheStatus.FIELD, status.toString());
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 206);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, "Partial Content");
        exchange.getMessage().setBody(Unpooled.wrappedBuffer(stored.body, first, length));
        exchange.setException(null);
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /** 416 with the stored length (RFC 9110 section 15.5.17): the range starts past the stored body's end. */
    private static void unsatisfiable(Exchange exchange, StoredResponse stored, CacheStatus status) {
        Map<String, Object> headers = cleared(exchange.getMessage());
        headers.put("Content-Range", "bytes */" + stored.body.length);
        HeaderValues.append(headers, CacheStatus.FIELD, status.toString());
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 416);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, "Range Not Satisfiable");
        exchange.getMessage().setBody(null);
        exchange.setException(null);
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    private static boolean isHead(Exchange exchange) {
        IngressRequest ingress = IngressRequest.of(exchange);
        return ingress != null && ingress.isHead();
    }

    /** 504 for {@code only-if-cached} when nothing usable is stored (RFC 9111 section 5.2.1.7). */
    static void onlyIfCachedMiss(Exchange exchange, String cacheName) {
        Map<String, Object> headers = cleared(exchange.getMessage());
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put(
                CacheStatus.FIELD,
                CacheStatus.of(cacheName).detail("only-if-cached").toString());
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, 504);
        headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, "Gateway Timeout");
        exchange.getMessage()
                .setBody("504 Gateway Timeout: nothing usable is stored for this request" + " (only-if-cached)\n");
        exchange.setProperty(IngressRequest.UPSTREAM_ANSWERED, Boolean.TRUE);
    }

    /** Adds Serai's entry to the message's Cache-Status, after any a cache nearer the origin added. */
    static void addStatus(Message message, CacheStatus status) {
        HeaderValues.append(message.getHeaders(), CacheStatus.FIELD, status.toString());
    }

    private static Map<String, Object> cleared(Message message) {
        Map<String, Object> headers = message.getHeaders();
        HeaderValues.clearKeepingChannel(headers);
        return headers;
    }
}
