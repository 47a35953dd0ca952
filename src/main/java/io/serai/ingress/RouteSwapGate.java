package io.serai.ingress;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds new requests while routes are being swapped, so that no request meets a moment without its
 * route (Camel would answer 404) and none is refused. Requests already past the gate finish on the
 * routes they started on. The open path is one volatile read.
 */
public final class RouteSwapGate {

    private final List<Runnable> waiting = new ArrayList<>();
    private volatile boolean closed;

    public void close() {
        synchronized (waiting) {
            closed = true;
        }
    }

    public void open() {
        List<Runnable> resume;
        synchronized (waiting) {
            closed = false;
            resume = new ArrayList<>(waiting);
            waiting.clear();
        }
        resume.forEach(Runnable::run);
    }

    public boolean isClosed() {
        return closed;
    }

    /** True when the gate is open now; otherwise {@code onOpen} runs once it opens. */
    boolean passOrWait(Runnable onOpen) {
        if (!closed) {
            return true;
        }
        synchronized (waiting) {
            if (!closed) {
                return true;
            }
            waiting.add(onOpen);
            return false;
        }
    }
}
