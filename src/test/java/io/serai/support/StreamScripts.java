package io.serai.support;

import java.time.Duration;

/**
 * The {@link StreamingBackend} scripts the streaming tests share: bodies that pause, trickle, stall,
 * break off or never end, server-sent events, a backend that stops reading, and a full-duplex echo.
 * Each reads its request's head first (and its body, when it says so).
 */
public final class StreamScripts {

    private StreamScripts() {}

    /** {@code first} bytes, a pause, then {@code rest} bytes, under one Content-Length. */
    public static StreamingBackend.Script firstThenRest(int first, Duration pause, int rest) {
        return c -> {
            c.readHead();
            c.head(200, "Content-Type", "application/octet-stream", "Content-Length", String.valueOf(first + rest));
            c.send(Behaviours.pattern(first));
            c.pause(pause);
            c.send(java.util.Arrays.copyOfRange(Behaviours.pattern(first + rest), first, first + rest));
        };
    }

    /**
     * {@code count} server-sent events {@code gap} apart, as a {@code text/event-stream} in chunked
     * encoding (one event per chunk), then the end of the stream. Event {@code i} is
     * {@code id: i\ndata: event i\n\n}.
     */
    public static StreamingBackend.Script events(int count, Duration gap, String... extraFields) {
        return c -> {
            c.readHead();
            String[] fields = new String[4 + extraFields.length];
            fields[0] = "Content-Type";
            fields[1] = "text/event-stream";
            fields[2] = "Transfer-Encoding";
            fields[3] = "chunked";
            System.arraycopy(extraFields, 0, fields, 4, extraFields.length);
            c.head(200, fields);
            for (int i = 1; i <= count; i++) {
                if (i > 1) {
                    c.pause(gap);
                }
                c.chunk(event(i));
            }
            c.endChunks();
        };
    }

    /** The text of event {@code i} as {@link #events} sends it. */
    public static String event(int i) {
        return "id: " + i + "\ndata: event " + i + "\n\n";
    }

    /** {@code chunks} chunks of {@code size} bytes, {@code gap} apart, chunked; the body is the repeating pattern. */
    public static StreamingBackend.Script trickle(int chunks, int size, Duration gap) {
        return c -> {
            c.readHead();
            c.head(200, "Content-Type", "application/octet-stream", "Transfer-Encoding", "chunked");
            byte[] all = Behaviours.pattern(chunks * size);
            for (int i = 0; i < chunks; i++) {
                if (i > 0) {
                    c.pause(gap);
                }
                c.chunk(java.util.Arrays.copyOfRange(all, i * size, (i + 1) * size));
            }
            c.endChunks();
        };
    }

    /**
     * Promises {@code length} bytes, sends {@code sent} of them, then says nothing for {@code stall}
     * (and closes, if Serai has not).
     */
    public static StreamingBackend.Script stallAfter(int length, int sent, Duration stall) {
        return c -> {
            c.readHead();
            c.watchForClose();
            c.head(200, "Content-Type", "application/octet-stream", "Content-Length", String.valueOf(length));
            c.send(Behaviours.pattern(sent));
            c.pause(stall);
        };
    }

    /** Sends its head and {@code sent} body bytes (chunked, or under a larger Content-Length), then resets. */
    public static StreamingBackend.Script resetAfter(int sent, boolean chunked) {
        return c -> {
            c.readHead();
            if (chunked) {
                c.head(200, "Content-Type", "application/octet-stream", "Transfer-Encoding", "chunked");
                c.chunk(Behaviours.pattern(sent));
            } else {
                c.head(200, "Content-Type", "application/octet-stream", "Content-Length", String.valueOf(sent * 10));
                c.send(Behaviours.pattern(sent));
            }
            // Let the bytes leave before the reset, so that they reach Serai ahead of it.
            c.pause(Duration.ofMillis(200));
            c.reset();
        };
    }

    /**
     * A Content-Length body of {@code size} bytes written as fast as the connection takes it, in 16 KiB
     * writes; {@link StreamingBackend.Conversation#bytesWritten} shows how far it got when writes block.
     */
    public static StreamingBackend.Script flood(long size) {
        return c -> {
            c.readHead();
            c.head(200, "Content-Type", "application/octet-stream", "Content-Length", String.valueOf(size));
            byte[] block = Behaviours.pattern(26 * 630); // whole periods of the pattern, so blocks join seamlessly
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                c.send(n == block.length ? block : java.util.Arrays.copyOf(block, n));
                left -= n;
            }
        };
    }

    /** An endless chunked body: a small chunk every {@code gap}, until the connection fails. */
    public static StreamingBackend.Script endless(Duration gap) {
        return c -> {
            c.readHead();
            c.watchForClose();
            c.head(200, "Content-Type", "text/plain", "Transfer-Encoding", "chunked");
            for (int i = 0; ; i++) {
                c.chunk("tick " + i + "\n");
                c.pause(gap);
            }
        };
    }

    /**
     * Reads the request head and then nothing more until {@code go} opens, then reads the whole body and
     * answers 200 with its length as text. The body is counted, not kept.
     */
    public static StreamingBackend.Script readsNothingUntil(java.util.concurrent.CountDownLatch go) {
        return c -> {
            StreamingBackend.RequestHead head = c.readHead();
            go.await();
            String length = String.valueOf(c.discardBody(head));
            c.head(200, "Content-Type", "text/plain", "Content-Length", String.valueOf(length.length()));
            c.send(length);
        };
    }

    /** Reads the whole request body without keeping it and answers 200 with its length as text. */
    public static StreamingBackend.Script countsBody() {
        return readsNothingUntil(new java.util.concurrent.CountDownLatch(0));
    }

    /**
     * Full duplex: reads the head and the first chunk of a chunked request body, then answers (head and
     * that chunk back) before reading on, and echoes each further chunk as it reads it.
     */
    public static StreamingBackend.Script duplexEcho() {
        return c -> {
            c.readHead();
            byte[] first = c.readChunk();
            c.head(200, "Content-Type", "application/octet-stream", "Transfer-Encoding", "chunked");
            byte[] chunk = first;
            while (chunk != null) {
                c.chunk(chunk);
                chunk = c.readChunk();
            }
            c.endChunks();
        };
    }

    /** Reads the whole request and answers 200 with it as the body. */
    public static StreamingBackend.Script echo() {
        return c -> {
            StreamingBackend.RequestHead head = c.readHead();
            byte[] body = c.readBody(head);
            c.head(200, "Content-Type", "application/octet-stream", "Content-Length", String.valueOf(body.length));
            c.send(body);
        };
    }
}
