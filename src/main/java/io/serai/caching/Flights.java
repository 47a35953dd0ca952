package io.serai.caching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request coalescing (nginx's proxy_cache_lock, Varnish's waiting list): the first request that must
 * go to the backend for a key leads; others for the same key wait until it lands, then look again.
 */
final class Flights {

    private final ConcurrentHashMap<String, Flight> inFlight = new ConcurrentHashMap<>();

    /** True when the caller is now the one request in flight for {@code key} and must {@link #land} it. */
    boolean lead(String key) {
        return inFlight.putIfAbsent(key, new Flight()) == null;
    }

    /**
     * Runs {@code resume} when the flight for {@code key} lands; false when there is none any more
     * (it landed in between), and the caller should look again at once.
     */
    boolean follow(String key, Runnable resume) {
        Flight flight = inFlight.get(key);
        return flight != null && flight.add(resume);
    }

    void land(String key) {
        Flight flight = inFlight.remove(key);
        if (flight != null) {
            flight.land();
        }
    }

    private static final class Flight {
        private List<Runnable> waiters = new ArrayList<>();
        private boolean landed;

        synchronized boolean add(Runnable waiter) {
            if (landed) {
                return false;
            }
            waiters.add(waiter);
            return true;
        }

        void land() {
            List<Runnable> ready;
            synchronized (this) {
                landed = true;
                ready = waiters;
                waiters = List.of();
            }
            ready.forEach(Runnable::run);
        }
    }
}
