package io.serai.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.serai.config.ProxySettings;
import io.serai.security.BackendTls;
import io.serai.security.HandshakeFailureReason;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request to one backend: acquires a pooled connection, writes the request, waits (bounded) for
 * the whole response and completes the exchange exactly once. A request that failed on a reused
 * keep-alive connection before any response arrived is sent once more on another connection when
 * its method is idempotent, as the backend may have closed that connection while it sat idle.
 */
final class UpstreamCall {

    private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("serai.upstream.used");

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final FullHttpRequest request;
    private final UpstreamTarget target;
    private final ChannelPool pool;
    private final ProxySettings settings;
    private final Duration timeLimit;
    private final Channel client;
    private final ChannelFutureListener onClientGone = f -> clientGone();
    private final AtomicBoolean done = new AtomicBoolean();
    private Channel channel;
    private boolean reused;
    private boolean retried;
    private boolean responseStarted;
    private ScheduledFuture<?> timeout;

    UpstreamCall(Exchange exchange, AsyncCallback callback, FullHttpRequest request, UpstreamTarget target,
            ChannelPool pool, ProxySettings settings, Duration timeLimit, Channel client) {
        this.timeLimit = timeLimit;
        this.exchange = exchange;
        this.callback = callback;
        this.request = request;
        this.target = target;
        this.pool = pool;
        this.settings = settings;
        this.client = client;
        if (client != null) {
            // A client that leaves stops its backend call, so a slow backend is not kept busy for nobody.
            client.closeFuture().addListener(onClientGone);
        }
    }

    void start() {
        pool.acquire().addListener(this::onAcquired);
    }

    private void onAcquired(Future<? super Channel> acquired) {
        if (!acquired.isSuccess()) {
            fail(connectFailure(acquired.cause()));
            return;
        }
        Channel ch = (Channel) acquired.getNow();
        if (done.get()) {
            pool.release(ch);
            return;
        }
        SslHandler tls = target.tls() ? ch.pipeline().get(SslHandler.class) : null;
        if (tls != null && !tls.handshakeFuture().isDone()) {
            // A new connection: send once the backend is verified, so a refused handshake has its own answer.
            tls.handshakeFuture().addListener(handshake -> onHandshake(ch, tls, handshake));
            return;
        }
        send(ch, tls);
    }

    private void onHandshake(Channel ch, SslHandler tls, Future<?> handshake) {
        if (done.get()) {
            // The client left meanwhile; a verified connection is still good for the next request.
            if (handshake.isSuccess()) {
                pool.release(ch);
            } else {
                closeAndRelease(ch);
            }
            return;
        }
        send(ch, tls);
    }

    private void send(Channel ch, SslHandler tls) {
        if (tls != null && !tls.handshakeFuture().isSuccess()) {
            closeAndRelease(ch);
            fail(tlsFailure(tls.handshakeFuture().cause()));
            return;
        }
        try {
            UpstreamConnectionHandler handler = ch.pipeline().get(UpstreamConnectionHandler.class);
            if (handler == null || !ch.isActive()) {
                // Closed between the pool's health check and now: take another connection.
                closeAndRelease(ch);
                if (!retried) {
                    retried = true;
                    responseStarted = false;
                    start();
                } else {
                    fail(UpstreamException.connectFailed(target.toString(), null));
                }
                return;
            }
            channel = ch;
            reused = ch.hasAttr(USED);
            ch.attr(USED).set(Boolean.TRUE);
            handler.begin(this);
            long millis = timeLimit.toMillis();
            timeout = ch.eventLoop().schedule(this::onTimeout, millis, TimeUnit.MILLISECONDS);
            ch.writeAndFlush(request.retainedDuplicate()).addListener(written -> {
                if (!written.isSuccess()) {
                    onFailure(written.cause());
                }
            });
        } catch (RuntimeException unexpected) {
            // A listener's exception would be swallowed by Netty and leave the client waiting forever.
            closeAndRelease(ch);
            fail(UpstreamException.badResponse(target.toString(), unexpected));
        }
    }

    /** Whether this is a HEAD, whose answer has no body whatever its Content-Length says. */
    boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }

    void responseStarted() {
        responseStarted = true;
    }

    void onResponse(FullHttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            // An interim response; the final one follows on the same connection.
            response.release();
            return;
        }
        cancelTimeout();
        Channel ch = detach();
        if (response.decoderResult().isFailure() || code < 100 || code > 599) {
            // RFC 9110 section 15: a status outside 100-599 is not HTTP; Netty's decoder lets it through.
            response.release();
            closeAndRelease(ch);
            fail(UpstreamException.badResponse(target.toString(), "sent an invalid HTTP response"));
            return;
        }
        if (HttpUtil.isKeepAlive(response)) {
            pool.release(ch);
        } else {
            closeAndRelease(ch);
        }
        if (done.compareAndSet(false, true)) {
            UpstreamResponses.apply(exchange, response, settings.viaName());
            complete();
        } else {
            response.release();
        }
    }

    void onFailure(Throwable cause) {
        cancelTimeout();
        Channel ch = detach();
        if (ch != null) {
            closeAndRelease(ch);
        }
        if (reused && !retried && !responseStarted && !done.get() && isIdempotent(request.method())
                && isStaleConnection(cause)) {
            retried = true;
            responseStarted = false;
            start();
            return;
        }
        fail(failure(cause));
    }

    private void onTimeout() {
        Channel ch = detach();
        if (ch != null) {
            closeAndRelease(ch);
        }
        fail(UpstreamException.timedOut(target.toString(), timeLimit.toMillis()));
    }

    private void clientGone() {
        if (done.get()) {
            return;
        }
        Channel ch = detach();
        cancelTimeout();
        if (ch != null) {
            closeAndRelease(ch);
        }
        fail(UpstreamException.abandoned(target.toString()));
    }

    private Channel detach() {
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            UpstreamConnectionHandler handler = ch.pipeline().get(UpstreamConnectionHandler.class);
            if (handler != null) {
                handler.end();
            }
        }
        return ch;
    }

    private void closeAndRelease(Channel ch) {
        ch.close();
        pool.release(ch);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void fail(UpstreamException error) {
        if (done.compareAndSet(false, true)) {
            exchange.setException(error);
            complete();
        }
    }

    private void complete() {
        if (client != null) {
            client.closeFuture().removeListener(onClientGone);
        }
        ReferenceCountUtil.safeRelease(request);
        callback.done(false);
    }

    private UpstreamException failure(Throwable cause) {
        SSLHandshakeException handshake = target.tls() ? HandshakeFailureReason.handshakeFailure(cause) : null;
        if (handshake != null && !responseStarted) {
            // TLS 1.3 ends the client's side of the handshake first: a backend refusing the client
            // certificate says so after the request was written, and never read it.
            return tlsFailure(handshake);
        }
        if (cause instanceof TooLongFrameException) {
            return UpstreamException.badResponse(target.toString(), "sent a response larger than "
                    + "serai.upstream.max-response-body (" + settings.maxResponseBody() + " bytes)");
        }
        if (cause instanceof UpstreamConnectionHandler.BackendClosedException closed) {
            return responseStarted ? UpstreamException.badResponse(target.toString(), closed.getMessage())
                    : UpstreamException.noResponse(target.toString(), closed.getMessage());
        }
        return responseStarted ? UpstreamException.badResponse(target.toString(), cause)
                : UpstreamException.noResponse(target.toString(), cause);
    }

    private UpstreamException tlsFailure(Throwable cause) {
        BackendTls tls = target.backendTls();
        String name = tls.serverName() != null ? tls.serverName() : target.host();
        boolean clientCert = tls.clientCert() != null;
        return UpstreamException.tlsHandshakeFailed(target.toString(),
                HandshakeFailureReason.of(cause, name, clientCert),
                HandshakeFailureReason.of(cause, "the backend's name", clientCert));
    }

    private UpstreamException connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return UpstreamException.connectTimedOut(target.toString(), settings.upstreamConnectTimeout().toMillis());
        }
        return UpstreamException.connectFailed(target.toString(), cause);
    }

    private static boolean isStaleConnection(Throwable cause) {
        return cause instanceof UpstreamConnectionHandler.BackendClosedException
                || cause instanceof ClosedChannelException || cause instanceof java.io.IOException;
    }

    private static boolean isIdempotent(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.DELETE) || method.equals(HttpMethod.TRACE);
    }
}
