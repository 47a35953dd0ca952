package io.serai.http.body;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body's way from its source connection to one sink, on Netty's EmbeddedChannel (a real channel whose
 * event loop the test runs): reading pauses when the sink falls behind and resumes when it catches up,
 * what is kept can be sent again, limits hold, and every buffer is released.
 */
class BodyStreamTest {

    private final EmbeddedChannel source = new EmbeddedChannel();
    private final EmbeddedChannel target = new EmbeddedChannel();
    private final List<ByteBuf> live = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        live.forEach(b -> {
            if (b.refCnt() > 0) {
                b.release(b.refCnt());
            }
        });
        source.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    private ByteBuf chunk(int size) {
        ByteBuf b = Unpooled.buffer(size).writeZero(size);
        live.add(b);
        return b;
    }

    /** A sink whose writes complete only when the test says so, as a slow client's would. */
    private final class SlowSink implements BodyStream.Sink {
        final List<ChannelPromise> unwritten = new ArrayList<>();
        final List<ByteBuf> received = new ArrayList<>();
        boolean ended;
        Throwable aborted;

        @Override
        public ChannelFuture write(ByteBuf chunk) {
            received.add(chunk);
            ChannelPromise promise = target.newPromise();
            unwritten.add(promise);
            return promise;
        }

        void drain() {
            List<ChannelPromise> all = new ArrayList<>(unwritten);
            unwritten.clear();
            all.forEach(ChannelPromise::setSuccess);
            source.runPendingTasks();
        }

        long bytes() {
            return received.stream().mapToLong(ByteBuf::readableBytes).sum();
        }

        void release() {
            received.forEach(b -> b.release());
            received.clear();
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public void abort(Throwable cause) {
            aborted = cause;
        }
    }

    @Test
    void readingPausesWhileTheSinkIsBehindAndResumesWhenItCatchesUp() {
        BodyStream body = new BodyStream(source, -1, -1, 1000, 0, 0, () -> {});
        SlowSink sink = new SlowSink();
        body.attach(sink);
        body.offer(chunk(600));
        assertTrue(source.config().isAutoRead());
        body.offer(chunk(600));
        assertFalse(source.config().isAutoRead(), "1200 bytes unwritten past a 1000-byte window");
        sink.drain();
        assertTrue(source.config().isAutoRead());
        body.end();
        assertTrue(sink.ended);
        assertEquals(1200, sink.bytes());
        sink.release();
    }

    @Test
    void withoutASinkReadingPausesAfterTheWindow() {
        BodyStream body = new BodyStream(source, -1, -1, 1000, 0, 0, () -> {});
        body.offer(chunk(800));
        assertTrue(source.config().isAutoRead());
        body.offer(chunk(800));
        assertFalse(source.config().isAutoRead());
        SlowSink sink = new SlowSink();
        body.attach(sink);
        assertEquals(1600, sink.bytes());
        sink.drain();
        assertTrue(source.config().isAutoRead());
        body.cancel();
        sink.release();
    }

    @Test
    void aKeptBodyIsSentWholeToASecondSinkAfterTheFirstFailed() {
        BodyStream body = new BodyStream(source, 30, -1, 1000, 100, 0, () -> {});
        SlowSink first = new SlowSink();
        body.attach(first);
        body.offer(Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII));
        body.offer(Unpooled.copiedBuffer("abcdefghij", StandardCharsets.US_ASCII));
        body.detach(first);
        assertTrue(body.canBeSentAgain());
        SlowSink second = new SlowSink();
        body.attach(second);
        body.offer(Unpooled.copiedBuffer("KLMNOPQRST", StandardCharsets.US_ASCII));
        body.end();
        StringBuilder got = new StringBuilder();
        second.received.forEach(b -> got.append(b.toString(StandardCharsets.US_ASCII)));
        assertEquals("0123456789abcdefghijKLMNOPQRST", got.toString());
        assertTrue(second.ended);
        first.release();
        second.release();
        body.exchangeDone();
    }

    @Test
    void aBodyPastWhatIsKeptCannotBeSentAgain() {
        BodyStream body = new BodyStream(source, -1, -1, 1000, 100, 0, () -> {});
        SlowSink first = new SlowSink();
        body.attach(first);
        body.offer(chunk(150));
        body.detach(first);
        assertFalse(body.canBeSentAgain());
        SlowSink second = new SlowSink();
        body.attach(second);
        assertInstanceOf(BodyAlreadySentException.class, second.aborted);
        first.release();
        body.cancel();
    }

    @Test
    void aBodyPastItsLimitFailsItsSinkAndHoldsNothing() {
        BodyStream body = new BodyStream(source, -1, 100, 1000, 0, 0, () -> {});
        SlowSink sink = new SlowSink();
        body.attach(sink);
        body.offer(chunk(60));
        ByteBuf over = chunk(60);
        body.offer(over);
        assertInstanceOf(BodyTooLargeException.class, sink.aborted);
        assertEquals(0, over.refCnt(), "the chunk past the limit was released");
        sink.release();
    }

    @Test
    void aBodyHeldWholeIsGivenWholeAndTheStreamKeepsNothingAfter() {
        BodyStream body = new BodyStream(source, 20, -1, 1000, 1000, 0, () -> {});
        AtomicReference<Boolean> held = new AtomicReference<>();
        body.whenHeld(held::set);
        ByteBuf a = Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII);
        ByteBuf b = Unpooled.copiedBuffer("abcdefghij", StandardCharsets.US_ASCII);
        body.offer(a);
        body.offer(b);
        body.end();
        assertEquals(Boolean.TRUE, held.get());
        ByteBuf whole = body.takeContent();
        assertEquals("0123456789abcdefghij", whole.toString(StandardCharsets.US_ASCII));
        whole.release();
        assertEquals(0, a.refCnt());
        assertEquals(0, b.refCnt());
    }

    @Test
    void aBodyShorterThanItsContentLengthFailsAsTruncated() {
        BodyStream body = new BodyStream(source, 100, -1, 1000, 0, 0, () -> {});
        SlowSink sink = new SlowSink();
        body.attach(sink);
        body.offer(chunk(40));
        body.end();
        assertInstanceOf(TruncatedBodyException.class, sink.aborted);
        assertFalse(sink.ended);
        sink.release();
    }

    @Test
    void cancellingReleasesWhatIsHeldAndTellsTheSourcesOwner() {
        AtomicReference<Boolean> told = new AtomicReference<>(false);
        BodyStream body = new BodyStream(source, -1, -1, 1000, 1000, 0, () -> told.set(true));
        ByteBuf a = chunk(10);
        body.offer(a);
        body.cancel();
        assertTrue(told.get());
        assertEquals(0, a.refCnt());
        assertTrue(body.isCancelled());
    }

    @Test
    void aSenderSilentPastTheIdleTimeFailsTheBodyUnlessSeraiHeldReadingBack() {
        source.freezeTime();
        AtomicReference<Boolean> told = new AtomicReference<>(false);
        BodyStream body = new BodyStream(source, -1, -1, 10, 0, 50, () -> told.set(true));
        body.watchIdle();
        body.offer(chunk(20));
        assertFalse(source.config().isAutoRead(), "no sink and past the window: reading paused");
        source.advanceTimeBy(80, TimeUnit.MILLISECONDS); // the idle time passes while Serai holds reading back
        source.runScheduledPendingTasks();
        assertFalse(told.get(), "a pause of Serai's own is not the sender's silence");
        SlowSink sink = new SlowSink();
        body.attach(sink);
        sink.drain();
        assertTrue(source.config().isAutoRead());
        source.advanceTimeBy(80, TimeUnit.MILLISECONDS); // now the sender is silent while Serai reads
        source.runScheduledPendingTasks();
        assertTrue(told.get());
        assertInstanceOf(BodyIdleException.class, body.failure());
        sink.release();
    }
}
