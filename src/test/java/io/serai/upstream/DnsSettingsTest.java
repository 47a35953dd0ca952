package io.serai.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serai.dns.* settings: servers as IP[:port], TTL bounds, the query time limit. */
class DnsSettingsTest {

    @Test
    void withNothingSetResolvConfIsUsedAndAnswersAreKeptOneSecondToOneMinute() {
        DnsSettings dns = DnsSettings.defaults();
        assertEquals(List.of(), dns.servers());
        assertEquals(Duration.ofSeconds(1), dns.minTtl());
        assertEquals(Duration.ofSeconds(60), dns.maxTtl());
        assertEquals(Duration.ofSeconds(5), dns.queryTimeout());
    }

    @Test
    void serversAreIpAddressesWithPort53UnlessOneIsGiven() {
        DnsSettings dns =
                DnsSettings.from(Map.of(DnsSettings.SERVERS, "10.0.0.10, 127.0.0.1:5353,[::1]:5300,fd00::a")::get);
        assertEquals(
                List.of(
                        new InetSocketAddress("10.0.0.10", 53),
                        new InetSocketAddress("127.0.0.1", 5353),
                        new InetSocketAddress("::1", 5300),
                        new InetSocketAddress("fd00::a", 53)),
                dns.servers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example:53", "10.0.0.10:99999", "10.0.0.10:x"})
    void aServerThatIsNotAnIpAddressAndPortFailsTheStartNamingTheSetting(String servers) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DnsSettings.from(Map.of(DnsSettings.SERVERS, servers)::get));
        assertTrue(e.getMessage().contains("serai.dns.servers"), e.getMessage());
    }

    @Test
    void aMaximumTtlBelowTheMinimumIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DnsSettings.from(Map.of(DnsSettings.MIN_TTL, "30s", DnsSettings.MAX_TTL, "10s")::get));
        assertTrue(e.getMessage().contains("serai.dns.max-ttl"), e.getMessage());
    }
}
