package io.serai.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * Makes a Netty buffer leak fail the build. Before any test runs (a launcher session listener) it
 * installs a leak detector that records every leak Netty reports at PARANOID level; after each test
 * class (a global extension) it collects garbage, lets Netty look for leaks, and fails the class on any.
 */
public final class NettyLeakGuard implements LauncherSessionListener, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // Garbage collected and looked at every 50 ms for 150 ms: Netty reports a leak only after a collection
        // found the buffer, and only when it tracks a new one. A leak ends the wait early (as a timeout).
        try {
            await().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .during(Duration.ofMillis(150))
                    .atMost(Duration.ofMillis(400))
                    .until(() -> {
                        System.gc();
                        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(1);
                        probe.release();
                        return LEAKS.isEmpty();
                    });
        } catch (ConditionTimeoutException leaked) {
            // reported below
        }
        if (!LEAKS.isEmpty()) {
            String report = String.join("\n", LEAKS);
            LEAKS.clear();
            throw new AssertionError("Netty reported buffer leaks during " + context.getDisplayName() + ":\n" + report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add(resourceType + " leaked:" + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add(resourceType + " leaked (no record)");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
