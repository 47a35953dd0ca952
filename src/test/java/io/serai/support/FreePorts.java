package io.serai.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for a listener a test starts later (a Serai process takes a second to bind). A port the
 * kernel hands out for {@code bind(0)} lies in its ephemeral range, where any outgoing connection of
 * another test JVM may take it as its source port before Serai binds it: CI saw "Address already in
 * use" once two JVMs ran tests side by side. So these ports come from below the ephemeral range,
 * from a slice of their own per test JVM (Maven's fork number), each handed out once per JVM, and
 * each checked free by binding it as Netty would (SO_REUSEADDR), starting at a random point of the slice.
 */
final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final int SLICES = 4;
    private static final int EPHEMERAL_LOW = ephemeralLow();
    private static final int SLICE_SIZE = (EPHEMERAL_LOW - LOWEST) / SLICES;
    private static final int SLICE_START = LOWEST + SLICE_SIZE * ((forkNumber() - 1) % SLICES);
    // From a random point of the slice: two builds run side by side (same fork number) seldom meet.
    private static final AtomicInteger NEXT =
            new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(SLICE_SIZE));

    private FreePorts() {}

    static int next() {
        for (int tries = 0; tries < SLICE_SIZE; tries++) {
            int port = SLICE_START + Math.floorMod(NEXT.getAndIncrement(), SLICE_SIZE);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + SLICE_START + "+" + SLICE_SIZE);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int forkNumber() {
        try {
            return Math.max(1, Integer.parseInt(System.getProperty("serai.test.fork", "1")));
        } catch (NumberFormatException notForked) {
            return 1;
        }
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0);
            int low = Integer.parseInt(range.trim().split("\\s+")[0]);
            return low > LOWEST + 4_000 ? low : 32_768;
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
