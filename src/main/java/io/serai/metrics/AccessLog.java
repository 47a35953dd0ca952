package io.serai.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON line per request, formatted and written by its own thread so that neither formatting nor a
 * slow disk slows traffic: a request only offers its entry to a bounded queue, and an entry that does
 * not fit is dropped and counted ({@code serai_access_log_dropped_total}). The thread writes in batches,
 * one write per batch. Only what is listed below is written; no header
 * value ever is, so Authorization and Cookie never reach the log.
 */
public final class AccessLog implements AutoCloseable, MeterBinder {

    /**
     * One request as it is logged. {@code received} is for a WebSocket: the bytes the client sent through
     * it (null otherwise); {@code bytes} is then what it was sent and {@code durationMs} the connection's life.
     * {@code grpcStatus} is for a gRPC request ({@link io.serai.http.grpc.GrpcOutcome}), null otherwise; its
     * {@code status} stays the HTTP outcome Serai decided (a 502 that a gRPC client got as 200 and status 14).
     * {@code traceId} is the request's trace ({@link io.serai.http.TraceIds}), null when it has none.
     */
    public record Entry(
            long epochMillis,
            String client,
            String method,
            String path,
            int status,
            long bytes,
            double durationMs,
            String route,
            String backend,
            String cache,
            String requestId,
            Long received,
            String error,
            String protocol,
            String grpcStatus,
            String traceId) {

        /** This handshake's line as it is written when its WebSocket closes. */
        public Entry closed(long atMillis, long sent, long receivedBytes, double lifeMs) {
            return new Entry(
                    atMillis,
                    client,
                    method,
                    path,
                    status,
                    sent,
                    lifeMs,
                    route,
                    backend,
                    cache,
                    requestId,
                    receivedBytes,
                    error,
                    protocol,
                    grpcStatus,
                    traceId);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    /** How long the writer waits when it has written everything: lines reach the log within about this. */
    private static final long PAUSE_MILLIS = 20;

    /** Entries, not lines: formatting is the writer thread's work, so the event loop only enqueues. */
    private final BlockingQueue<Entry> lines = new ArrayBlockingQueue<>(16_384);

    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final boolean ownsOut;
    private final ExecutorServiceManager threads;
    private final ExecutorService writer;
    private volatile boolean closed;

    private AccessLog(Writer out, boolean ownsOut, CamelContext context) {
        this.out = out;
        this.ownsOut = ownsOut;
        this.threads = context.getExecutorServiceManager();
        this.writer = threads.newSingleThreadExecutor(this, "serai-access-log");
        writer.execute(this::drain);
    }

    /**
     * {@code stdout}, {@code off} (null is returned) or a file to append to; written by a thread of
     * {@code context}'s ExecutorServiceManager.
     */
    public static AccessLog open(String target, CamelContext context) throws IOException {
        String t = target == null ? "stdout" : target.trim();
        if (t.equals("off") || t.isEmpty()) {
            return null;
        }
        if (t.equals("stdout")) {
            return new AccessLog(
                    new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), false, context);
        }
        return new AccessLog(
                Files.newBufferedWriter(
                        Path.of(t), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                context);
    }

    public long dropped() {
        return dropped.get();
    }

    public void log(Entry e) {
        if (!lines.offer(e)) {
            dropped.incrementAndGet();
        }
    }

    /** One entry as its line, without the line end. */
    static String format(Entry e) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            new LineFormat(json).write(e);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return line.toString();
    }

    /**
     * Writes entries as JSON lines through one generator kept for the writer thread's life (Jackson's
     * generator reuses its buffers), with the time stamp's date and second formatted once per second.
     */
    private static final class LineFormat {
        private final JsonGenerator json;
        private final char[] time = new char[40];
        private long second = Long.MIN_VALUE;
        private int secondLength;

        LineFormat(JsonGenerator json) {
            this.json = json;
            json.setRootValueSeparator(null);
        }

        void write(Entry e) throws IOException {
            json.writeStartObject();
            json.writeFieldName("time");
            json.writeString(time, 0, time(e.epochMillis()));
            json.writeStringField("client", e.client());
            json.writeStringField("method", e.method());
            json.writeStringField("path", e.path());
            if (e.protocol() != null) {
                json.writeStringField("protocol", e.protocol());
            }
            json.writeNumberField("status", e.status());
            json.writeNumberField("bytes", e.bytes());
            if (e.received() != null) {
                json.writeNumberField("bytes_received", e.received());
            }
            json.writeNumberField("duration_ms", Math.round(e.durationMs() * 1000) / 1000.0);
            json.writeStringField("route", e.route());
            if (e.backend() != null) {
                json.writeStringField("backend", e.backend());
            }
            if (e.cache() != null) {
                json.writeStringField("cache", e.cache());
            }
            json.writeStringField("request_id", e.requestId());
            if (e.traceId() != null) {
                json.writeStringField("trace_id", e.traceId());
            }
            if (e.error() != null) {
                json.writeStringField("error", e.error());
            }
            if (e.grpcStatus() != null) {
                json.writeStringField("grpc_status", e.grpcStatus());
            }
            json.writeEndObject();
        }

        /** {@code Instant.toString()} of {@code epochMillis} into {@link #time}, its length returned. */
        private int time(long epochMillis) {
            long s = Math.floorDiv(epochMillis, 1000);
            int millis = (int) Math.floorMod(epochMillis, 1000);
            if (s != second) {
                String text = Instant.ofEpochSecond(s).toString(); // ends with 'Z'
                secondLength = text.length() - 1;
                text.getChars(0, secondLength, time, 0);
                second = s;
            }
            int n = secondLength;
            if (millis != 0) { // as ISO_INSTANT: no fraction for a whole second, else three digits
                time[n++] = '.';
                time[n++] = (char) ('0' + millis / 100);
                time[n++] = (char) ('0' + millis / 10 % 10);
                time[n++] = (char) ('0' + millis % 10);
            }
            time[n++] = 'Z';
            return n;
        }
    }

    private void drain() {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            LineFormat format = new LineFormat(json);
            while (!closed || !lines.isEmpty()) {
                Entry entry = lines.poll();
                if (entry == null) {
                    // The writer is never woken per line: a request only enqueues (with nobody waiting on the
                    // queue there is no signal, so no futex call and no context switch on the event loop's
                    // core), and the writer looks again after a pause, much as nginx's buffered access log.
                    Thread.sleep(PAUSE_MILLIS);
                    continue;
                }
                do {
                    format.write(entry);
                    json.writeRaw('\n');
                } while ((entry = lines.poll()) != null);
                json.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("serai: the access log stopped: " + e.getMessage());
        }
    }

    /** {@code serai_access_log_dropped_total}: lines dropped because the writer could not keep up. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("serai.access.log.dropped", this, AccessLog::dropped)
                .description("Access log lines dropped because the writer could not keep up")
                .register(registry);
    }

    @Override
    public void close() {
        closed = true;
        // the writer ends once the queue is empty; after 2 s it is interrupted and the rest is lost
        threads.shutdownGraceful(writer, 2000);
        try {
            if (ownsOut) {
                out.close();
            }
        } catch (IOException e) {
            System.err.println("serai: closing the access log: " + e.getMessage());
        }
    }
}
