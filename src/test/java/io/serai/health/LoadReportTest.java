package io.serai.health;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadReportTest {

    @Test
    void theBusierOfCpuAndMemoryCounts() {
        LoadReport r = LoadReport.parse("TEXT cpu_utilization=0.42, mem_utilization=0.30", 7);
        assertEquals(0.42, r.utilization(), 1e-9);
        assertEquals(0.58, r.spareCapacity(), 1e-9);
        assertEquals(7, r.receivedNanos());
    }

    @Test
    void applicationUtilizationWinsWhenPresent() {
        assertEquals(
                0.2,
                LoadReport.parse("TEXT cpu_utilization=0.9, application_utilization=0.2", 0)
                        .utilization(),
                1e-9);
    }

    @Test
    void valuesAreClampedAndGarbageIsIgnored() {
        assertEquals(1.0, LoadReport.parse("TEXT cpu_utilization=3.5", 0).utilization(), 1e-9);
        assertEquals(
                0.5,
                LoadReport.parse("TEXT cpu_utilization=abc, mem_utilization=0.5, x", 0)
                        .utilization(),
                1e-9);
        assertNull(LoadReport.parse("TEXT rps_fractional=10", 0));
        assertNull(LoadReport.parse("", 0));
        assertNull(LoadReport.parse(null, 0));
    }

    @Test
    void healthOptionsAreTakenFromTheEndpointAndCheckedByName() {
        Map<String, Object> p = new HashMap<>(Map.of(
                "healthCheckPath", "/health", "healthCheckInterval", "1s", "healthCheckTimeout", "5s", "other", "x"));
        MemberOptions o = MemberOptions.take(p);
        assertEquals("/health", o.healthCheck().path());
        assertEquals(1_000, o.healthCheck().timeout().toMillis(), "the timeout is at most the interval");
        assertEquals(Map.of("other", "x"), p, "only Serai's options are taken");

        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> MemberOptions.take(new HashMap<>(Map.of("healthCheckPath", "/h", "unhealthyThreshold", "0"))));
        assertTrue(bad.getMessage().contains("unhealthyThreshold=0"), bad.getMessage());
        bad = assertThrows(
                IllegalArgumentException.class,
                () -> MemberOptions.take(new HashMap<>(Map.of("healthCheckPath", "health"))));
        assertTrue(bad.getMessage().contains("healthCheckPath=health"), bad.getMessage());
    }
}
