package io.serai.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client connection and a backend connection after a WebSocket handshake: from then on each byte one
 * sends is written to the other untouched, as it arrives. A side whose peer is not taking what was written
 * stops being read (Netty's auto-read off) until the peer's connection is writable again, as Netty's
 * HexDumpProxy example does, so memory is bounded by the write buffers' high-water marks. When either side
 * closes, or fails, or no byte has moved either way for the idle timeout, both are closed, each after what
 * was already written to it has gone out. Bytes that arrive before both sides are in place (a backend's
 * first frame in the same read as its 101) are held and sent first.
 * <p>
 * Hand-written because Netty's WebSocket handlers would decode and re-encode frames (and negotiate
 * extensions themselves), while a proxy must pass them as the two ends agreed. Everything runs on the
 * backend connection's event loop (the client's own, in Serai's upstream client); calls from elsewhere move
 * there.
 * <p>
 * Long because: both directions' flow control and closing share one state, on one event loop.
 */
public final class Tunnel {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);

    /** How long a closing side may take to send what was written to it before it is closed regardless. */
    private static final long CLOSE_GRACE_SECONDS = 10;

    /** What a tunnel reports as it lives: opened once it relays, the bytes of each read, closed at its end. */
    public interface Meters {
        Meters NONE = new Meters() {
            @Override
            public void opened() {}

            @Override
            public void moved(boolean fromClient, int bytes) {}

            @Override
            public void closed() {}
        };

        void opened();

        void moved(boolean fromClient, int bytes);

        void closed();
    }

    private final EventExecutor loop;
    private final long idleNanos;
    private final Side backend = new Side(false);
    private volatile Side client;
    private volatile Meters meters = Meters.NONE;
    private boolean started;
    private volatile boolean closed;
    private volatile long fromClient;
    private volatile long toClient;
    private long lastMoved = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private final List<Runnable> whenClosed = new ArrayList<>();

    /**
     * Takes over {@code backend} once it answered 101: nothing more is read from it until {@link #start()}.
     * The caller puts {@link #backendHandler()} in place of its HTTP handlers. {@code idleTimeout} zero: none.
     */
    public Tunnel(Channel backend, Duration idleTimeout) {
        this.loop = backend.eventLoop();
        this.idleNanos = idleTimeout.toNanos();
        backend.config().setAutoRead(false);
        armIdle(idleNanos);
    }

    /** The handler that reads the backend's bytes: last in its pipeline, where the HTTP codec was. */
    public ChannelHandler backendHandler() {
        return backend;
    }

    /**
     * The handler that reads the client's bytes: first after TLS in its pipeline, ahead of the HTTP decoder,
     * which sees nothing more.
     */
    public ChannelHandler clientHandler() {
        Side side = new Side(true);
        client = side;
        return side;
    }

    /** Where to report; set before {@link #start()}. */
    public void observe(Meters observer) {
        this.meters = observer;
    }

    /** Both sides are in place and the client has the 101: relay, held bytes first. */
    public void start() {
        onLoop(() -> {
            Side c = client;
            if (closed && c != null) {
                // The backend went first (or the exchange gave up): the client, attached since, goes too.
                c.releaseHeld();
                shut(c);
                return;
            }
            if (c == null || c.ctx == null) {
                closeNow();
                return;
            }
            started = true;
            lastMoved = System.nanoTime();
            meters.opened();
            relayHeld(backend);
            relayHeld(c);
            if (backend.gone || c.gone || !c.ctx.channel().isActive()) {
                // A side closed before the relay began: what it had sent is on its way, then both close.
                closeNow();
                return;
            }
            backend.ctx.channel().config().setAutoRead(true);
            c.ctx.channel().config().setAutoRead(true);
        });
    }

    /** Closes both sides (each after what was written to it), once. */
    public void close() {
        onLoop(this::closeNow);
    }

    /** Runs {@code task} once the tunnel has closed (at once if it has). */
    public void whenClosed(Runnable task) {
        onLoop(() -> {
            if (closed) {
                task.run();
            } else {
                whenClosed.add(task);
            }
        });
    }

    /** Bytes the client sent through the tunnel so far. */
    public long bytesFromClient() {
        return fromClient;
    }

    /** Bytes the backend sent through the tunnel to the client so far. */
    public long bytesToClient() {
        return toClient;
    }

    // ---- on the loop ----

    private void received(Side from, ByteBuf bytes) {
        if (closed) {
            bytes.release();
            return;
        }
        if (!started) {
            from.held.add(bytes);
            return;
        }
        relay(from, bytes);
    }

    private void relay(Side from, ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (n == 0) {
            bytes.release();
            return;
        }
        lastMoved = System.nanoTime();
        if (from == backend) {
            toClient += n;
        } else {
            fromClient += n;
        }
        meters.moved(from != backend, n);
        Side to = peer(from);
        to.ctx.write(bytes, to.ctx.voidPromise());
        to.unflushed = true;
        if (!to.ctx.channel().isWritable()) {
            // The peer has not taken what was written: read no more until it has (writabilityChanged).
            from.ctx.channel().config().setAutoRead(false);
        }
    }

    private void relayHeld(Side from) {
        List<ByteBuf> held = new ArrayList<>(from.held);
        from.held.clear();
        held.forEach(bytes -> relay(from, bytes));
        flush(peer(from));
    }

    private void readComplete(Side from) {
        if (started && !closed) {
            flush(peer(from));
        }
    }

    private static void flush(Side to) {
        if (to.unflushed) {
            to.unflushed = false;
            to.ctx.flush();
        }
    }

    private void writabilityChanged(Side side) {
        if (started && !closed && side.ctx.channel().isWritable()) {
            peer(side).ctx.channel().config().setAutoRead(true);
        }
    }

    private void sideClosed(Side side) {
        side.gone = true;
        // A backend that closes before the relay begins still has its last bytes delivered by start().
        if (started || side != backend) {
            closeNow();
        }
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        Side c = client;
        backend.releaseHeld();
        shut(backend);
        if (c != null) {
            c.releaseHeld();
            shut(c);
        }
        if (started) {
            meters.closed();
        }
        List<Runnable> tasks = new ArrayList<>(whenClosed);
        whenClosed.clear();
        tasks.forEach(Runnable::run);
    }

    /** Closes a side once what was written to it has gone, or at once when its peer is not reading it. */
    private static void shut(Side side) {
        ChannelHandlerContext ctx = side.ctx;
        if (ctx == null || !ctx.channel().isActive()) {
            return;
        }
        Channel ch = ctx.channel();
        if (!ch.isWritable()) {
            ch.close();
            return;
        }
        side.unflushed = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    private void armIdle(long delayNanos) {
        if (idleNanos > 0) {
            idleCheck = loop.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        idleCheck = null;
        if (closed) {
            return;
        }
        long quiet = System.nanoTime() - lastMoved;
        if (quiet >= idleNanos) {
            closeNow();
        } else {
            armIdle(idleNanos - quiet);
        }
    }

    private Side peer(Side side) {
        return side == backend ? client : backend;
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** One connection of the pair: hands what it reads to the tunnel, and tells it of writability and closes. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private final boolean isClient;
        private final List<ByteBuf> held = new ArrayList<>(2);
        private volatile ChannelHandlerContext ctx;
        private boolean unflushed;
        private boolean gone;

        Side(boolean isClient) {
            this.isClient = isClient;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext added) {
            this.ctx = added;
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            ByteBuf bytes;
            if (msg instanceof ByteBuf buf) {
                bytes = buf;
            } else if (msg instanceof ByteBufHolder holder) {
                // What a backend's HTTP decoder made of bytes after its 101 before the codec was removed.
                bytes = holder.content().retain();
                ReferenceCountUtil.release(msg);
            } else {
                ReferenceCountUtil.release(msg);
                return;
            }
            onLoop(() -> received(this, bytes));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            // Not passed on: the HTTP handlers behind a client's side have nothing more to read.
            onLoop(() -> readComplete(this));
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext c) throws Exception {
            onLoop(() -> writabilityChanged(this));
            super.channelWritabilityChanged(c);
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) throws Exception {
            onLoop(() -> sideClosed(this));
            super.channelInactive(c);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            LOG.debug("WebSocket {} connection failed: {}", isClient ? "client" : "backend", cause.toString());
            close();
        }

        private void releaseHeld() {
            held.forEach(ReferenceCountUtil::safeRelease);
            held.clear();
        }
    }
}
