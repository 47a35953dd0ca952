import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

public class TimerCost {
    public static void main(String[] a) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The buckets Serai's own timers use.
        Duration[] slo = io.serai.camel.MeterRegistries.LATENCY_BUCKETS;
        Timer with = Timer.builder("with")
                .serviceLevelObjectives(slo)
                .publishPercentiles(0.5, 0.99)
                .percentilePrecision(1)
                .register(r);
        Timer without = Timer.builder("without").serviceLevelObjectives(slo).register(r);
        for (int round = 0; round < 6; round++) {
            for (Timer t : new Timer[] {with, without}) {
                long n = 20_000_000, start = System.nanoTime();
                for (long i = 0; i < n; i++) t.record(100_000 + (i & 0xffff) * 37, TimeUnit.NANOSECONDS);
                System.out.printf("%s %.1f ns%n", t.getId().getName(), (System.nanoTime() - start) / (double) n);
            }
        }
    }
}
