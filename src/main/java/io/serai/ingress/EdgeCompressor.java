package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliMode;
import io.netty.handler.codec.compression.CompressionOptions;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Netty's {@link HttpContentCompressor} (Camel's {@code compression=true}) with what a proxy needs: gzip
 * and br only, at the levels of {@link CompressionSettings}; only bodies of compressible types and of at
 * least the minimum size; never a body the backend already encoded, one marked {@code no-transform}, a
 * 206, an event stream or gRPC; {@code Vary: Accept-Encoding} on every response it could have compressed
 * (so caches behind keep the variants apart, as nginx's gzip_vary); a strong ETag made weak on a body it
 * compresses (the bytes differ from the backend's, as nginx does); nothing for a request with {@code
 * Cache-Control: no-transform} nor for an HTTP/1.0 request. Netty itself passes HEAD, 204, 304 and 1xx
 * answers through, an interim 1xx without taking its request's turn (whole, or a head and its empty last
 * content).
 */
final class EdgeCompressor extends HttpContentCompressor {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeCompressor.class);
    private static final AtomicBoolean BROTLI_WARNED = new AtomicBoolean();
    /** 512 KiB, ngx_brotli's default window: Brotli's own default (4 MiB) is a lot per response. */
    private static final int BROTLI_WINDOW = 19;

    private final CompressionSettings settings;
    private final List<String> offered;

    EdgeCompressor(CompressionSettings settings) {
        super(0, options(settings));
        this.settings = settings;
        this.offered = Brotli.isAvailable() ? List.of("br", "gzip") : List.of("gzip");
    }

    private static CompressionOptions[] options(CompressionSettings settings) {
        CompressionOptions gzip = StandardCompressionOptions.gzip(settings.gzipLevel(), 15, 8);
        if (!Brotli.isAvailable()) {
            if (BROTLI_WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "Brotli cannot load here ({}): listeners with compression=true answer gzip only",
                        Brotli.cause() == null
                                ? "no native library"
                                : Brotli.cause().toString());
            }
            return new CompressionOptions[] {gzip};
        }
        return new CompressionOptions[] {
            StandardCompressionOptions.brotli(settings.brotliQuality(), BROTLI_WINDOW, BrotliMode.TEXT), gzip
        };
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpRequest request, List<Object> out) throws Exception {
        boolean noTransform = hasToken(request.headers().getAll(HttpHeaderNames.CACHE_CONTROL), "no-transform");
        // Netty leaves an HTTP/1.0 answer alone by the response's version, but Serai writes every response as
        // HTTP/1.1 and frames it for an HTTP/1.0 client itself: the request's version decides here.
        boolean http10 = request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0;
        if (!noTransform && !http10) {
            super.decode(ctx, request, out);
            return;
        }
        // RFC 9111 section 5.2.1.6: the client asks intermediaries not to transform the content; an HTTP/1.0
        // client cannot take the chunked body a compressed stream needs. Netty queues the Accept-Encoding it
        // reads from the request; it reads "identity" from a stand-in, and the request goes on unchanged (its
        // Accept-Encoding still reaches the backend).
        HttpRequest standIn = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri());
        standIn.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        super.decode(ctx, standIn, new ArrayList<>(1));
        out.add(ReferenceCountUtil.retain(request));
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        HttpHeaders headers = response.headers();
        String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        boolean identity = encoding != null && encoding.trim().equalsIgnoreCase("identity");
        if (response.status().code() == 206
                || headers.contains(HttpHeaderNames.CONTENT_RANGE)
                || (encoding != null && !identity)
                || hasToken(headers.getAll(HttpHeaderNames.CACHE_CONTROL), "no-transform")
                || !settings.compressible(headers.get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        long length = response instanceof HttpContent full
                ? full.content().readableBytes()
                : HttpUtil.getContentLength(response, -1L);
        if (length >= 0 && length < settings.minSize()) {
            return null;
        }
        addVary(headers);
        headers.remove(HttpHeaderNames.CONTENT_ENCODING);
        Result result = super.beginEncode(response, acceptEncoding);
        if (result == null) {
            if (identity) {
                headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
            }
            return null;
        }
        String etag = headers.get(HttpHeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            headers.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return result;
    }

    @Override
    protected String determineEncoding(String acceptEncoding) {
        return ContentCodingChoice.choose(acceptEncoding, offered);
    }

    /** Vary gains Accept-Encoding once, in one field line with what the backend's Vary named. */
    private static void addVary(HttpHeaders headers) {
        List<String> vary = headers.getAll(HttpHeaderNames.VARY);
        if (hasToken(vary, "accept-encoding") || hasToken(vary, "*")) {
            return;
        }
        headers.set(
                HttpHeaderNames.VARY,
                vary.isEmpty() ? "Accept-Encoding" : String.join(", ", vary) + ", Accept-Encoding");
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String item : value.split(",")) {
                String t = item.trim().toLowerCase(Locale.ROOT);
                if (t.equals(token) || t.startsWith(token + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
