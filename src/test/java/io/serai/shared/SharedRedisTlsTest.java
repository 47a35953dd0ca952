package io.serai.shared;

import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rediss://: Serai reaches a TLS-only redis-server whose authority it is told to trust, and no other. */
@Timeout(60)
class SharedRedisTlsTest {

    @TempDir
    Path dir;

    @Test
    void aTrustedCertificateConnectsAnUntrustedOneNever() throws Exception {
        TestCertificates authority = TestCertificates.authority("redis-test-ca");
        Path[] server = authority.issue("127.0.0.1").write(dir, "redis");
        Path ca = authority.writeCa(dir.resolve("ca.pem"));
        try (RedisServer redis = RedisServer.startTls(dir, server[0], server[1]);
                TestBackend backend = TestBackend.start("b1")) {
            assertTrue(redis.url().startsWith("rediss://"));
            try (RunningSerai trusting = RunningSerai.proxyTo(backend)
                    .property("serai.redis.url", redis.url())
                    .property("serai.redis.tls.trust-file", ca)
                    .start(dir)) {
                SharedRedis shared = SharedRedis.lookup(trusting.context());
                Waits.upTo(Waits.PROMPTLY).until(shared::available);
                byte[] key = shared.key("tls");
                shared.call(c -> c.set(key, "over TLS".getBytes(StandardCharsets.UTF_8)))
                        .get(2, TimeUnit.SECONDS);
                assertEquals(
                        "over TLS",
                        new String(shared.call(c -> c.get(key)).get(2, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            }
            try (RunningSerai untrusting = RunningSerai.proxyTo(backend)
                    .property("serai.redis.url", redis.url())
                    .start(dir)) {
                SharedRedis shared = SharedRedis.lookup(untrusting.context());
                // The JDK's trust store does not know the test authority: the handshake fails, again and again.
                Waits.upTo(Waits.PROMPTLY).until(() -> shared.view().containsKey("lastError"));
                Waits.upTo(Duration.ofSeconds(2)).during(Duration.ofSeconds(1)).until(() -> !shared.available());
                assertFalse(shared.available());
            }
        }
    }
}
