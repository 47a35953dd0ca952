import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

public class TimerCost {
    public static void main(String[] a) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Duration[] slo = {
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30)
        };
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
