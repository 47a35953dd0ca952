package io.serai.http.body;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP message body on its way through Serai: the chunks its source connection reads, handed to one
 * {@link Sink} as they arrive, with memory bounded by a window, not by the body's size. When the sink
 * falls behind (its writes have not left yet) or there is no sink yet, reading from the source pauses
 * (Netty's auto-read off) and resumes once the writes drain, so a slow reader slows its writer and
 * nothing queues without bound.
 * <p>
 * The first {@code keep} bytes are also kept, so that the body can be sent again (a retry, a failover
 * to another member) or held whole by a step that needs it (the JSON merge, the cache); once more than
 * that has arrived, or once {@link #commit()} says no second send will come, chunks are kept only until
 * they are written.
 * <p>
 * Every method runs on the source connection's event loop: calls from elsewhere are moved there. This is
 * written here rather than taken from a library because it sits between Netty channels that Camel owns on
 * one side and Serai's client owns on the other; Netty's own flow control (auto-read, writability) is
 * what it drives.
 * <p>
 * Long because: one body's window, replay buffer and sink hand-off are one state machine under one thread.
 */
public final class BodyStream {

    /** Where a body goes: a connection being written to. */
    public interface Sink {
        /** Writes one chunk, which the sink now owns; the future completes when it has been written. */
        ChannelFuture write(ByteBuf chunk);

        /** The body ended; nothing more will be written. */
        void end();

        /** The body cannot be completed (its source failed, it was too large, it was cancelled). */
        void abort(Throwable cause);
    }

    /**
     * The largest piece of a body an HTTP decoder hands on (its maxChunkSize): as much as one socket read
     * brings (Netty's adaptive receive buffer stops at 64 KiB), so a read costs one chunk and one write on
     * the other side, not eight of Netty's default 8 KiB.
     */
    public static final int MAX_CHUNK = 64 * 1024;

    private final Channel source;
    private final EventExecutor loop;
    private final long declaredLength;
    private final long limit;
    private final int window;
    private long keep;
    private final long idleMillis;
    private final Runnable onCancel;

    /** While keeping: every chunk so far, owned here; the sink gets retained duplicates. */
    private List<ByteBuf> kept = new ArrayList<>(2);
    /** After keeping: chunks not yet handed to the sink, owned here until they are. */
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();

    private int delivered;
    private long pendingBytes;
    private long outstanding;
    private volatile long bytes;
    private volatile boolean ended;
    private volatile HttpHeaders trailers = EmptyHttpHeaders.INSTANCE;
    private boolean endDelivered;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private volatile Throwable cancelReason;
    private boolean paused;
    private boolean spent;
    private Sink sink;
    private final List<Consumer<Boolean>> whenHeld = new ArrayList<>(0);
    private final List<Runnable> whenDone = new ArrayList<>(0);
    private boolean idleWatched;
    private ScheduledFuture<?> idleTimer;
    private Runnable onFirstDemand;
    private boolean releaseAtEnd;

    /**
     * @param source         the connection the body is read from
     * @param declaredLength its Content-Length, or -1 when chunked or read to the close
     * @param limit          the most bytes it may have (-1: no limit); more fails it with {@link BodyTooLargeException}
     * @param window         bytes read ahead of the sink before reading pauses
     * @param keep           bytes kept for a second send or for a step that holds the whole body
     * @param idleMillis     the longest gap between chunks while reading is not paused (0: none)
     * @param onCancel       what the source's owner does when nobody will read the rest (close, or drain)
     */
    public BodyStream(
            Channel source,
            long declaredLength,
            long limit,
            int window,
            long keep,
            long idleMillis,
            Runnable onCancel) {
        this.source = source;
        this.loop = source.eventLoop();
        this.declaredLength = declaredLength;
        this.limit = limit;
        this.window = window;
        this.keep = keep;
        this.idleMillis = idleMillis;
        this.onCancel = onCancel;
    }

    /**
     * Starts the read-idle timer: from now on, a gap between chunks longer than the idle time, while Serai
     * is reading, fails the body. Started only for a body that is still coming when it is handed on, so a
     * body that arrives with its head costs no timer.
     */
    public void watchIdle() {
        onLoop(() -> {
            if (!idleWatched && !ended && failure == null && !cancelled) {
                idleWatched = true;
                armIdle();
            }
        });
    }

    // ---- the source's side, on its event loop ----

    /** A chunk read from the source; this stream owns it from now on. */
    public void offer(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (cancelled || failure != null || ended || n == 0) {
            chunk.release();
            return;
        }
        bytes += n;
        armIdle();
        if (limit >= 0 && bytes > limit) {
            chunk.release();
            fail(new BodyTooLargeException(limit));
            return;
        }
        if (kept != null) {
            kept.add(chunk);
            if (bytes > keep) {
                stopKeeping();
                notifyHeld(false);
            }
        } else {
            pending.add(chunk);
            pendingBytes += n;
        }
        flush();
    }

    /**
     * The source read the body's end, with {@code trailers} (a chunked HTTP/1.1 body's trailer section, an
     * HTTP/2 stream's trailing HEADERS), already cleared of fields that must not cross (see
     * {@code io.serai.http.TrailerFields}). A body with trailers is never {@linkplain #isHeld held} whole: it is
     * written as a stream so that they follow it.
     */
    public void end(HttpHeaders trailers) {
        if (trailers != null && !trailers.isEmpty() && !ended && failure == null && !cancelled) {
            this.trailers = trailers;
        }
        end();
    }

    /**
     * The body's trailer fields, for its {@link Sink} to write after the last chunk once {@link Sink#end} is
     * called; empty (never null) when it had none or has not ended.
     */
    public HttpHeaders trailers() {
        return trailers;
    }

    /** The source read the body's end. */
    public void end() {
        if (cancelled || failure != null || ended) {
            return;
        }
        if (declaredLength >= 0 && bytes != declaredLength) {
            fail(new TruncatedBodyException(declaredLength, bytes));
            return;
        }
        ended = true;
        cancelIdle();
        notifyHeld(kept != null);
        flush();
    }

    /** The source failed before the body's end (a reset, a timeout). */
    public void fail(Throwable cause) {
        if (cancelled || failure != null || ended) {
            // Once the source has read the body's end, what becomes of the source no longer matters to it.
            return;
        }
        failure = cause;
        cancelIdle();
        releaseAll();
        resumeSource();
        notifyHeld(false);
        if (sink != null) {
            sink.abort(cause);
        }
        runDone();
    }

    // ---- the reader's side, from any thread ----

    /**
     * Hands the body to {@code next}, from its start if it is still kept (so a second sink after a failed
     * one gets the whole body); refused, with {@link BodyAlreadySentException} to the sink, when part of
     * it has gone to an earlier sink and is no longer kept.
     */
    public void attach(Sink next) {
        onLoop(() -> {
            if (cancelled) {
                next.abort(new BodyAlreadySentException("the body was cancelled"));
                return;
            }
            if (spent || (sink != null && kept == null)) {
                next.abort(new BodyAlreadySentException("more than " + keep + " bytes of the body had been sent"));
                return;
            }
            demanded();
            sink = next;
            delivered = 0;
            endDelivered = false;
            if (failure != null) {
                next.abort(failure);
                return;
            }
            flush();
        });
    }

    /** The current sink gave up (its connection failed); a later {@link #attach} may start again if kept. */
    public void detach(Sink gone) {
        onLoop(() -> {
            if (sink == gone) {
                sink = null;
                outstanding = 0;
                if (kept == null && delivered > 0) {
                    spent = true;
                }
            }
        });
    }

    /** No second send will come: stop keeping what was written. */
    public void commit() {
        onLoop(() -> {
            if (kept != null && !cancelled && failure == null) {
                stopKeeping();
                if (!ended) {
                    notifyHeld(false);
                }
                flush();
            }
        });
    }

    /** Once the body has been written to its end (and its whenDone readers have run), nothing is kept. */
    public void releaseWhenDone() {
        onLoop(() -> {
            releaseAtEnd = true;
            if (endDelivered) {
                releaseAll();
                kept = null;
            }
        });
    }

    /**
     * Runs {@code task} when the body is first asked for (attached or awaited whole), on the source's loop:
     * where the sender waits for a go-ahead ({@code Expect: 100-continue}), that is when to give it.
     */
    public void onFirstDemand(Runnable task) {
        onLoop(() -> this.onFirstDemand = task);
    }

    private void demanded() {
        Runnable task = onFirstDemand;
        onFirstDemand = null;
        if (task != null) {
            task.run();
        }
    }

    /** Keeps the whole body (up to its limit), for a reader that needs all of it before it starts. */
    public void holdWhole() {
        onLoop(() -> {
            if (kept != null) {
                keep = limit >= 0 ? limit : Long.MAX_VALUE;
            }
        });
    }

    /** Keeps up to {@code bytes} of the body whole, for a reader that may use it whole (a cache, a merge). */
    public void holdUpTo(long bytes) {
        onLoop(() -> {
            if (kept != null && bytes > keep) {
                keep = bytes;
            }
        });
    }

    /**
     * The exchange that read this body is done: a body no sink is reading is cancelled; one a sink still
     * takes (a request body a backend reads while its response already streams) goes on, unkept.
     */
    public void exchangeDone() {
        onLoop(() -> {
            if (sink == null) {
                cancel();
            } else {
                commit();
            }
        });
    }

    /** Nobody will read the rest: releases what is held and tells the source's owner. */
    public void cancel() {
        cancel(null);
    }

    /** As {@link #cancel()}, saying why when it is not simply that the reader left ({@link #cancelReason()}). */
    public void cancel(Throwable reason) {
        onLoop(() -> {
            if (cancelled || failure != null) {
                return;
            }
            if (ended && endDelivered) {
                // Read to its end already (by a try whose backend then failed, say): only what is kept remains.
                releaseAll();
                kept = null;
                return;
            }
            cancelReason = reason;
            cancelled = true;
            cancelIdle();
            releaseAll();
            resumeSource();
            notifyHeld(false);
            runDone();
            onCancel.run();
        });
    }

    /**
     * Calls {@code held} once: with true when the whole body has arrived and is kept (then
     * {@link #content()} has it), with false when it will not be (too large to keep, failed, cancelled).
     */
    public void whenHeld(Consumer<Boolean> held) {
        onLoop(() -> {
            if (ended && kept != null) {
                held.accept(true);
            } else if (kept == null || failure != null || cancelled) {
                held.accept(false);
            } else {
                demanded();
                whenHeld.add(held);
                // Reading on until the whole body is here (at most keep bytes).
                resumeSource();
            }
        });
    }

    /** Runs {@code done} once the body has been written to its end, or failed, or was cancelled. */
    public void whenDone(Runnable done) {
        onLoop(() -> {
            if (endDelivered || failure != null || cancelled) {
                done.run();
            } else {
                whenDone.add(done);
            }
        });
    }

    /** The whole body, while it is held: a buffer the caller owns (and releases). */
    public ByteBuf content() {
        if (!isHeld()) {
            throw new IllegalStateException("the body is not held whole");
        }
        if (kept.size() == 1) {
            return kept.get(0).retainedDuplicate();
        }
        CompositeByteBuf all = source.alloc().compositeBuffer(Math.max(2, kept.size()));
        for (ByteBuf chunk : kept) {
            all.addComponent(true, chunk.retainedDuplicate());
        }
        return all;
    }

    /**
     * The whole body, taken out of the stream: a buffer the caller owns; the stream holds nothing after
     * (a held body becomes an ordinary message body).
     */
    public ByteBuf takeContent() {
        ByteBuf whole = content();
        releaseAll();
        kept = null;
        endDelivered = true;
        runDone();
        return whole;
    }

    /** True when the body has arrived whole and is kept (and has no trailers, which only a stream carries). */
    public boolean isHeld() {
        return ended && kept != null && failure == null && !cancelled && trailers.isEmpty();
    }

    public boolean isEnded() {
        return ended;
    }

    /** Why the body did not reach its end: its source's failure, or null (it ended, or it was cancelled). */
    public Throwable failure() {
        return failure;
    }

    /** True when nobody read the body to its end (its reader left or gave up). */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Why the body was cancelled, when its reader said (a client that stopped reading); else null. */
    public Throwable cancelReason() {
        return cancelReason;
    }

    /** Bytes read from the source so far. */
    public long bytes() {
        return bytes;
    }

    /** The body's Content-Length as its sender declared it, or -1. */
    public long declaredLength() {
        return declaredLength;
    }

    /**
     * What a send to a backend needs to know about this body: once part of it has gone and is not kept, no
     * retry. A body kept from its start can go again; so can one that no sink has taken any of (a try whose
     * backend could not be connected), however large: it waits, whole so far, for the next sink.
     */
    public boolean canBeSentAgain() {
        return !spent && !cancelled && failure == null && (kept != null || sink == null);
    }

    // ---- inside, on the source's event loop ----

    private void flush() {
        Sink to = sink;
        if (to == null) {
            pauseIfFull(kept != null ? bytes : pendingBytes, aheadLimit());
            return;
        }
        if (kept != null) {
            while (delivered < kept.size()) {
                write(to, kept.get(delivered++).retainedDuplicate());
            }
        } else {
            ByteBuf chunk;
            while ((chunk = pending.poll()) != null) {
                pendingBytes -= chunk.readableBytes();
                delivered++;
                write(to, chunk);
            }
        }
        if (ended && !endDelivered && failure == null) {
            endDelivered = true;
            to.end();
            runDone();
            if (releaseAtEnd) {
                releaseAll();
                kept = null;
            }
            return;
        }
        pauseIfFull(outstanding, window);
    }

    private void write(Sink to, ByteBuf chunk) {
        int n = chunk.readableBytes();
        outstanding += n;
        to.write(chunk)
                .addListener(written -> onLoop(() -> {
                    if (sink != to) {
                        return;
                    }
                    outstanding -= n;
                    if (!written.isSuccess()) {
                        // The sink's connection failed: its owner decides what follows (a retry, or cancel()).
                        sink = null;
                        outstanding = 0;
                        if (kept == null) {
                            spent = true;
                        }
                        return;
                    }
                    if (paused && outstanding <= window / 2 && (kept != null || pendingBytes <= window / 2)) {
                        resumeSource();
                    }
                }));
    }

    /** Read ahead of a sink: a window, or the whole kept body while someone waits to hold it. */
    private long aheadLimit() {
        return kept != null && !whenHeld.isEmpty() ? keep : window;
    }

    private void pauseIfFull(long ahead, long most) {
        if (!ended && ahead > most && !paused) {
            paused = true;
            source.config().setAutoRead(false);
        }
    }

    private void resumeSource() {
        if (paused) {
            paused = false;
            if (source.isActive()) {
                source.config().setAutoRead(true);
                source.read();
            }
        }
    }

    /** More than {@code keep} bytes: what was written is let go, the rest waits for the sink as usual. */
    private void stopKeeping() {
        List<ByteBuf> all = kept;
        kept = null;
        for (int i = 0; i < all.size(); i++) {
            ByteBuf chunk = all.get(i);
            if (i < delivered) {
                chunk.release();
            } else {
                pending.add(chunk);
                pendingBytes += chunk.readableBytes();
            }
        }
        if (delivered > 0) {
            // Part of the body went to a sink and is let go now: no later sink can have it whole.
            spent = true;
        }
        delivered = 0;
    }

    private void notifyHeld(boolean held) {
        if (whenHeld.isEmpty()) {
            return;
        }
        List<Consumer<Boolean>> waiting = new ArrayList<>(whenHeld);
        whenHeld.clear();
        waiting.forEach(w -> w.accept(held));
    }

    private void runDone() {
        if (whenDone.isEmpty()) {
            return;
        }
        List<Runnable> waiting = new ArrayList<>(whenDone);
        whenDone.clear();
        waiting.forEach(Runnable::run);
    }

    private void releaseAll() {
        if (kept != null) {
            kept.forEach(ReferenceCountUtil::safeRelease);
            kept.clear();
        }
        ByteBuf chunk;
        while ((chunk = pending.poll()) != null) {
            chunk.release();
        }
        pendingBytes = 0;
    }

    private void armIdle() {
        if (!idleWatched || idleMillis <= 0 || ended) {
            return;
        }
        cancelIdle();
        idleTimer = loop.schedule(this::onIdle, idleMillis, TimeUnit.MILLISECONDS);
    }

    private void onIdle() {
        idleTimer = null;
        if (ended || failure != null || cancelled) {
            return;
        }
        if (paused || !source.config().isAutoRead()) {
            // Serai holds reading back (backpressure): a pause of its own is not the sender's silence.
            armIdle();
            return;
        }
        fail(new BodyIdleException(idleMillis));
        onCancel.run();
    }

    private void cancelIdle() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
