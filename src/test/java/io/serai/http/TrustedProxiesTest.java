package io.serai.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The client address found behind trusted proxies, as nginx's real_ip_recursive finds it. */
@Timeout(10)
class TrustedProxiesTest {

    private final TrustedProxies proxies =
            new TrustedProxies(AddressRules.parse("trustedProxies", "127.0.0.1, 10.0.0.0/8, fd00::/8"));

    @Test
    void fromAPeerThatIsNotTrustedTheHeaderIsIgnored() throws Exception {
        assertEquals("192.0.2.1", client("192.0.2.1", "203.0.113.7"));
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() throws Exception {
        TrustedProxies none = new TrustedProxies(AddressRules.NONE);
        assertEquals(
                "127.0.0.1",
                none.clientOf(peer("127.0.0.1"), xff("203.0.113.7"))
                        .getAddress()
                        .getHostAddress());
    }

    @Test
    void fromATrustedPeerTheRightmostUntrustedAddressIsTheClient() throws Exception {
        assertEquals("203.0.113.7", client("127.0.0.1", "203.0.113.7"));
        assertEquals(
                "203.0.113.7",
                client("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3, 10.9.9.9"),
                "trusted hops are skipped; what a client wrote further left is not believed");
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() throws Exception {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
                .add("X-Forwarded-For", "10.1.2.3");
        assertEquals(
                "203.0.113.7",
                proxies.clientOf(peer("127.0.0.1"), headers).getAddress().getHostAddress());
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() throws Exception {
        assertEquals("10.0.0.1", client("127.0.0.1", "10.0.0.1, 10.0.0.2"));
    }

    @Test
    void aMalformedEntryEndsTheWalkAtTheLastTrustedHop() throws Exception {
        assertEquals("10.1.2.3", client("127.0.0.1", "203.0.113.7, not-an-address, 10.1.2.3"));
        assertEquals("127.0.0.1", client("127.0.0.1", "203.0.113.7, "));
        assertEquals("127.0.0.1", client("127.0.0.1", "unknown"));
        assertEquals("203.0.113.7", client("127.0.0.1", "garbage, 203.0.113.7"), "left of the client does not matter");
    }

    @Test
    void noHeaderFromATrustedPeerLeavesThePeer() throws Exception {
        assertEquals(
                "127.0.0.1",
                proxies.clientOf(peer("127.0.0.1"), new DefaultHttpHeaders())
                        .getAddress()
                        .getHostAddress());
    }

    @Test
    void ipv6AndPortsAsProxiesWriteThem() throws Exception {
        assertEquals("2001:db8:0:0:0:0:0:7", client("127.0.0.1", "2001:db8::7"));
        assertEquals("2001:db8:0:0:0:0:0:7", client("127.0.0.1", "[2001:db8::7]:443, fd00::1"));
        assertEquals("203.0.113.7", client("127.0.0.1", "203.0.113.7:51234"));
        assertNull(TrustedProxies.address("[2001:db8::7]x", 0, 14));
        assertNull(TrustedProxies.address("203.0.113.7:port", 0, 16));
        assertNull(TrustedProxies.address("example.com", 0, 11), "a name is never resolved");
    }

    private String client(String peer, String xff) throws UnknownHostException {
        return proxies.clientOf(peer(peer), xff(xff)).getAddress().getHostAddress();
    }

    private static HttpHeaders xff(String value) {
        return new DefaultHttpHeaders().add("X-Forwarded-For", value);
    }

    private static InetSocketAddress peer(String address) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(address), 40000);
    }
}
