package io.serai.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.serai.camel.MeterRegistries;
import io.serai.http.InterimResponses;
import io.serai.http.TrailerFields;
import io.serai.http.UpstreamException;
import io.serai.http.Via;
import io.serai.http.body.BodyAlreadySentException;
import io.serai.http.body.BodyStream;
import io.serai.http.body.BodyTooLargeException;
import io.serai.http.body.MalformedBodyException;
import io.serai.security.tls.HandshakeFailureReason;
import io.serai.security.upstream.BackendTls;
import io.serai.settings.ProxySettings;
import io.serai.websocket.Tunnel;
import io.serai.websocket.WebSocketUpgrade;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request to one backend: acquires a pooled connection, writes the request (its body as it arrives,
 * when it streams), waits (bounded by the call's time limit) for the response's head and completes the
 * exchange exactly once: with the response, its body following as a {@link BodyStream}, or held whole
 * when the route needs it so ({@link ResponseHolding}), or with an {@link UpstreamException}. The
 * connection goes back to the pool only when the request has been written and the response read to
 * their ends. A request that failed on a reused keep-alive connection before any response arrived is
 * sent once more on another connection when it can be sent again ({@link ConnectionReuse}) and its body
 * is still kept, as the backend may have closed that connection while it sat idle.
 * <p>
 * Long because: one call's state machine (connect, send, head, body, time-out, release) on one event loop.
 */
final class UpstreamCall {

    /** Set on a connection (or an HTTP/2 stream whose connection) that carried a request before. */
    static final AttributeKey<Boolean> USED = AttributeKey.valueOf("serai.upstream.used");

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final FullHttpRequest request;
    private final BodyStream requestBody;
    private final UpstreamTarget target;
    private final ChannelPool pool;
    private final ProxySettings settings;
    private final Duration timeLimit;
    private final ResponseHolding holding;
    private final Channel client;
    private final InterimResponses interims;
    /** How many interim responses one call forwards at most; a page's hints fit in one or two. */
    static final int MAX_FORWARDED_INTERIMS = 8;

    private final ChannelFutureListener onClientGone = f -> clientGone();
    private final AtomicBoolean done = new AtomicBoolean();
    private Channel channel;
    private boolean reused;
    private boolean retried;
    private boolean responseStarted;
    private boolean interim;
    private int forwardedInterims;
    private boolean requestWritten;
    private boolean responseEnded;
    private boolean keepAlive;
    private HttpResponse head;
    private BodyStream responseBody;
    private BodyStream.Sink requestSink;
    private ScheduledFuture<?> timeout;

    UpstreamCall(
            Exchange exchange,
            AsyncCallback callback,
            FullHttpRequest request,
            BodyStream requestBody,
            UpstreamTarget target,
            ChannelPool pool,
            ProxySettings settings,
            Duration timeLimit,
            ResponseHolding holding,
            Channel client,
            InterimResponses interims) {
        this.timeLimit = timeLimit;
        this.exchange = exchange;
        this.callback = callback;
        this.request = request;
        this.requestBody = requestBody;
        this.target = target;
        this.pool = pool;
        this.settings = settings;
        this.holding = holding;
        this.client = client;
        this.interims = interims;
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
            Throwable cause = acquired.cause();
            // An HTTP/2 connection is verified before its streams are lent: its handshake fails the acquisition.
            fail(
                    target.tls() && HandshakeFailureReason.handshakeFailure(cause) != null
                            ? tlsFailure(cause)
                            : connectFailure(cause));
            return;
        }
        Channel ch = (Channel) acquired.getNow();
        if (done.get()) {
            pool.release(ch);
            return;
        }
        if (!ConnectionReuse.retriable(request)
                && ConnectionReuse.mayBeClosing(ch, settings.upstreamKeepAliveTimeout())) {
            // This request could not be sent again if the backend's close crossed it: a fresh connection.
            closeAndRelease(ch);
            start();
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
            requestWritten = false;
            responseEnded = false;
            handler.begin(this);
            long millis = timeLimit.toMillis();
            timeout = ch.eventLoop().schedule(this::onTimeout, millis, TimeUnit.MILLISECONDS);
            if (requestBody == null) {
                ch.writeAndFlush(request.retainedDuplicate()).addListener(written -> {
                    if (written.isSuccess()) {
                        ch.eventLoop().execute(() -> requestDone(ch));
                    } else {
                        onFailure(written.cause());
                    }
                });
            } else {
                ch.writeAndFlush(new DefaultHttpRequest(
                                request.protocolVersion(), request.method(), request.uri(), request.headers()))
                        .addListener(written -> {
                            if (!written.isSuccess()) {
                                onFailure(written.cause());
                            }
                        });
                requestSink = new BackendSink(ch);
                requestBody.attach(requestSink);
            }
        } catch (RuntimeException unexpected) {
            // A listener's exception would be swallowed by Netty and leave the client waiting forever.
            closeAndRelease(ch);
            fail(UpstreamException.badResponse(target.toString(), unexpected));
        }
    }

    /** The backend connection as the sink of the client's streamed request body. */
    private final class BackendSink implements BodyStream.Sink {
        private final Channel ch;

        BackendSink(Channel ch) {
            this.ch = ch;
        }

        @Override
        public ChannelFuture write(ByteBuf chunk) {
            return ch.writeAndFlush(new DefaultHttpContent(chunk));
        }

        @Override
        public void end() {
            HttpHeaders trailers = requestBody.trailers();
            LastHttpContent last = trailers.isEmpty()
                    ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers);
            ch.writeAndFlush(last).addListener(written -> {
                if (written.isSuccess()) {
                    ch.eventLoop().execute(() -> requestDone(ch));
                }
            });
        }

        @Override
        public void abort(Throwable cause) {
            ch.eventLoop().execute(() -> requestBodyFailed(ch, cause));
        }
    }

    /** The client's body could not be sent: too large, no longer kept for this try, or its client left. */
    private void requestBodyFailed(Channel ch, Throwable cause) {
        if (channel != ch && channel != null) {
            return;
        }
        // The backend has part of a request: that connection can carry nothing else.
        cancelTimeout();
        Channel gone = detach();
        if (gone != null) {
            closeAndRelease(gone);
        }
        if (cause instanceof BodyTooLargeException tooLarge) {
            fail(UpstreamException.requestTooLarge(tooLarge.limit()));
        } else if (cause instanceof MalformedBodyException malformed) {
            fail(UpstreamException.malformedRequestBody(malformed.getMessage()));
        } else if (cause instanceof BodyAlreadySentException spent) {
            fail(UpstreamException.bodyNotResent(target.toString(), spent.getMessage()));
        } else if (responseBody != null) {
            responseBody.fail(cause);
        } else {
            fail(UpstreamException.abandoned(target.toString()));
        }
    }

    /** Whether this is a HEAD, whose answer has no body whatever its Content-Length says. */
    boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }

    /** The head of the response (or of an interim 1xx one), from the connection's handler. */
    void onHead(HttpResponse response) {
        responseStarted = true;
        int code = response.status().code();
        if (response.decoderResult().isFailure() || code < 100 || code > 599) {
            // Checked before the 1xx branch: a malformed interim head (e.g. too long) is a bad response at once,
            // as the decoder reads nothing more of that connection, and no part of it reaches the client.
            cancelTimeout();
            // RFC 9110 section 15: a status outside 100-599 is not HTTP; Netty's decoder lets it through.
            Channel ch = detach();
            if (ch != null) {
                closeAndRelease(ch);
            }
            fail(UpstreamException.badResponse(target.toString(), "sent an invalid HTTP response"));
            return;
        }
        if (code >= 100 && code < 200 && code != 101) {
            // An interim response; the final one follows on the same connection. It goes to the client as it
            // arrives (not a 100: Serai answered the client's expectation itself), and is never the answer.
            interim = true;
            forwardInterim(response, code);
            return;
        }
        if (!holding.whole()) {
            // The time limit is the wait for the head; the body after it is bounded by the read-idle timer.
            // A call that takes its body whole keeps the limit until the body is here (an aggregation's call).
            cancelTimeout();
        }
        if (code == 101) {
            switchProtocols(response);
            return;
        }
        head = response;
        keepAlive = HttpUtil.isKeepAlive(response);
        ConnectionReuse.learn(channel, response);
        boolean bodyless = isHead() || code == 204 || code == 304;
        long length = bodyless ? -1 : HttpUtil.getContentLength(response, -1L);
        Channel ch = channel;
        responseBody = new BodyStream(
                ch,
                length,
                holding.limit(),
                settings.streamWindow(),
                holding.keep(),
                settings.readIdleTimeout().toMillis(),
                () -> closeConnection(ch));
        if (holding.whole()) {
            responseBody.watchIdle();
            responseBody.whenHeld(held -> {
                if (held) {
                    complete(responseBody);
                    return;
                }
                Throwable why = responseBody.failure();
                fail(
                        why == null || why instanceof BodyTooLargeException
                                ? UpstreamException.badResponse(
                                        target.toString(),
                                        "sent a response larger than " + "serai.upstream.max-response-body ("
                                                + settings.maxResponseBody() + " bytes)")
                                : UpstreamException.badResponse(target.toString(), why));
            });
        }
    }

    /**
     * Hands {@code response} to the client, the first {@link #MAX_FORWARDED_INTERIMS} of this call only: a
     * backend sending 1xx without end would otherwise fill the client connection's outbound buffer (an HTTP/2
     * HEADERS frame is not flow-controlled, and the client write timeout watches bodies only). The rest are
     * read and dropped, which RFC 8297 section 2 allows for hints; so are those met while the client
     * connection is not writable ({@link InterimResponses#forward}).
     */
    private void forwardInterim(HttpResponse response, int code) {
        if (interims != null
                && InterimResponses.isForwarded(code)
                && !done.get()
                && forwardedInterims < MAX_FORWARDED_INTERIMS) {
            forwardedInterims++;
            interims.forward(exchange, response, viaEntry(response));
        }
    }

    /**
     * A 101: when the request asked for WebSocket and the backend switched to it, the connection leaves HTTP
     * and the pool for good and becomes the backend side of a {@link Tunnel}, which the exchange carries to the
     * client's binding; anything else a backend switches to, or a switch nobody asked for, is a bad response.
     */
    private void switchProtocols(HttpResponse response) {
        Channel ch = detach();
        boolean asked = WebSocketUpgrade.isAsked(request.headers());
        if (ch == null || !asked || !WebSocketUpgrade.isAccepted(response)) {
            if (ch != null) {
                closeAndRelease(ch);
            }
            fail(UpstreamException.badResponse(
                    target.toString(),
                    asked
                            ? "switched to a protocol other than websocket"
                            : "switched protocols without being asked to"));
            return;
        }
        Tunnel tunnel = new Tunnel(ch, settings.webSocketIdleTimeout());
        // The decoder hands bytes that came after the 101 to the handler that replaced "call" as it goes.
        ch.pipeline().replace(UpstreamConnectionHandler.class, "tunnel", tunnel.backendHandler());
        ch.pipeline().remove("idle");
        ch.pipeline().remove("codec");
        if (done.compareAndSet(false, true)) {
            UpstreamResponses.applyUpgrade(exchange, response, tunnel, viaEntry(response));
            finish();
        } else {
            tunnel.close();
        }
    }

    /** A part of the response's body, from the connection's handler. */
    void onContent(HttpContent content) {
        if (interim) {
            interim = !(content instanceof LastHttpContent);
            content.release();
            return;
        }
        BodyStream body = responseBody;
        if (body == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            failResponseBody(content.decoderResult().cause());
            return;
        }
        body.offer(content.content());
        if (content instanceof LastHttpContent last) {
            responseEnded = true;
            // Trailers follow a streamed body; a body held whole for a step (a merge) is bytes alone.
            body.end(holding.whole() ? null : TrailerFields.allowed(last.trailingHeaders()));
            if (!holding.whole()) {
                // Ended within the read it started in: it goes on whole, as a small response always did.
                complete(body);
            }
            releaseWhenDone();
        }
    }

    /** The end of one read from the backend: a response whose head came in it goes on now, its body following. */
    void onReadComplete() {
        if (head != null && !holding.whole() && !done.get()) {
            complete(responseBody);
        }
    }

    private void failResponseBody(Throwable cause) {
        Channel ch = detach();
        if (ch != null) {
            closeAndRelease(ch);
        }
        if (done.get()) {
            responseBody.fail(cause);
        } else {
            responseBody.fail(cause);
            fail(UpstreamException.badResponse(target.toString(), cause));
        }
    }

    void onFailure(Throwable cause) {
        cancelTimeout();
        Channel ch = detach();
        if (ch != null) {
            closeAndRelease(ch);
        }
        if (done.get()) {
            // The response was already handed on: its body ends short, and the client sees that.
            if (responseBody != null) {
                responseBody.fail(cause);
            }
            return;
        }
        if (requestSink != null && requestBody != null) {
            requestBody.detach(requestSink);
            requestSink = null;
        }
        if (ch != null
                && !retried
                && !responseStarted
                && Http2StreamSetup.refused(ch)
                && (requestBody == null || requestBody.canBeSentAgain())) {
            // The backend refused the stream unprocessed: any request may go again, on another connection.
            count("serai.upstream.retries", "Backend calls sent again, by reason", "reason", "refused_stream");
            retried = true;
            start();
            return;
        }
        boolean stale = reused && !responseStarted && isStaleConnection(cause);
        if (stale) {
            count(
                    "serai.upstream.reused.connection.failures",
                    "Reused backend connections that failed before a response");
        }
        if (stale
                && !retried
                && ConnectionReuse.retriable(request)
                && (requestBody == null || requestBody.canBeSentAgain())) {
            count("serai.upstream.retries", "Backend calls sent again, by reason", "reason", "reused_connection");
            retried = true;
            responseStarted = false;
            start();
            return;
        }
        if (responseBody != null) {
            responseBody.fail(cause);
        }
        fail(failure(cause));
    }

    private void onTimeout() {
        Channel ch = detach();
        if (ch != null) {
            closeAndRelease(ch);
        }
        if (requestSink != null) {
            requestBody.detach(requestSink);
        }
        fail(UpstreamException.timedOut(target.toString(), timeLimit.toMillis()));
        if (responseBody != null) {
            // A body being held whole when the time ran out: what came of it is let go.
            responseBody.fail(new java.util.concurrent.TimeoutException("no whole response within the time limit"));
        }
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
        if (responseBody != null) {
            responseBody.cancel();
        }
        fail(UpstreamException.abandoned(target.toString()));
    }

    private void requestDone(Channel ch) {
        if (channel == ch) {
            requestWritten = true;
            releaseWhenDone();
        }
    }

    /** Both ends reached: the connection serves the next request, or closes as the backend asked. */
    private void releaseWhenDone() {
        if (!requestWritten || !responseEnded) {
            return;
        }
        Channel ch = detach();
        if (ch == null) {
            return;
        }
        if (keepAlive) {
            ConnectionReuse.idleFromNow(ch);
            pool.release(ch);
        } else {
            closeAndRelease(ch);
        }
    }

    /** Nobody reads the rest of the response: its connection can serve nothing else. */
    private void closeConnection(Channel ch) {
        ch.eventLoop().execute(() -> {
            if (channel == ch) {
                detach();
                closeAndRelease(ch);
            }
        });
    }

    private Channel detach() {
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            UpstreamConnectionHandler handler = ch.pipeline().get(UpstreamConnectionHandler.class);
            if (handler != null) {
                handler.end(this);
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

    private void complete(BodyStream body) {
        if (done.compareAndSet(false, true)) {
            if (!body.isHeld() && !holding.forStore()) {
                // It streams: what has been written need not be kept (unless a cache will store it).
                body.commit();
            }
            body.watchIdle();
            UpstreamResponses.apply(exchange, head, body, viaEntry(head));
            finish();
        }
    }

    private void fail(UpstreamException error) {
        if (done.compareAndSet(false, true)) {
            exchange.setException(error);
            finish();
        }
    }

    private void finish() {
        cancelTimeout();
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
            return UpstreamException.badResponse(
                    target.toString(), "sent a response head larger than " + "serai.limits.max-header");
        }
        if (cause instanceof UpstreamConnectionHandler.BackendClosedException closed) {
            return responseStarted
                    ? UpstreamException.badResponse(target.toString(), closed.getMessage())
                    : UpstreamException.noResponse(target.toString(), closed.getMessage());
        }
        return responseStarted
                ? UpstreamException.badResponse(target.toString(), cause)
                : UpstreamException.noResponse(target.toString(), cause);
    }

    private UpstreamException tlsFailure(Throwable cause) {
        BackendTls tls = target.backendTls();
        String name = tls.serverName() != null ? tls.serverName() : target.host();
        boolean clientCert = tls.clientCert() != null;
        return UpstreamException.tlsHandshakeFailed(
                target.toString(),
                HandshakeFailureReason.of(cause, name, clientCert),
                HandshakeFailureReason.of(cause, "the backend's name", clientCert));
    }

    private UpstreamException connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return UpstreamException.connectTimedOut(
                    target.toString(), settings.upstreamConnectTimeout().toMillis());
        }
        return UpstreamException.connectFailed(target.toString(), cause);
    }

    private static boolean isStaleConnection(Throwable cause) {
        return cause instanceof UpstreamConnectionHandler.BackendClosedException
                || cause instanceof ClosedChannelException
                || cause instanceof java.io.IOException;
    }

    /** Adds one to {@code name} for this call's route and backend. */
    private void count(String name, String description, String... more) {
        String route = io.serai.http.RouteIds.of(exchange);
        String[] tags = new String[4 + more.length];
        tags[0] = "route";
        tags[1] = route;
        tags[2] = "backend";
        tags[3] = target.toString();
        System.arraycopy(more, 0, tags, 4, more.length);
        MeterRegistries.count(exchange.getContext(), name, description, tags);
    }

    /**
     * Serai's Via entry for the backend's answer: its protocol as received (RFC 9110 section 7.6.3), "2" from
     * an HTTP/2 member, whose answer Netty hands on as an HTTP/1.1 message.
     */
    private String viaEntry(HttpResponse response) {
        String received = target.http2()
                ? "2"
                : response.protocolVersion().majorVersion() + "."
                        + response.protocolVersion().minorVersion();
        return Via.entry(received, settings.viaName());
    }
}
