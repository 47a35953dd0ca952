package io.serai.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRangeEachOnceAndBindable() throws IOException {
        int ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .get(0)
                .trim()
                .split("\\s+")[0]);
        int[] ports = RunningSerai.freePorts(50);
        assertEquals(50, Arrays.stream(ports).distinct().count());
        for (int port : ports) {
            assertTrue(port >= 10_000 && port < ephemeralLow, port + " below " + ephemeralLow);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", ports[0]));
        }
    }

    @Test
    void eachTestJvmHasItsOwnSlice() {
        String fork = System.getProperty("serai.test.fork");
        assertTrue(fork != null && fork.matches("[1-9]\\d*"), "Maven passes the fork number, got " + fork);
    }
}
