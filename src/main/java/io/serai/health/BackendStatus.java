package io.serai.health;

/**
 * What is known of one backend right now, for logs, metrics and the admin API.
 *
 * @param backend      the backend's origin, e.g. {@code http://127.0.0.1:9001}
 * @param available    whether load balancers may choose it
 * @param activeUp     the active checks' verdict (true when it has no checks)
 * @param ejected      whether passive ejection has taken it out
 * @param reason       why it is unavailable, or null
 * @param utilization  its last fresh load report (0..1), or -1 when it has none
 */
public record BackendStatus(
        String backend, boolean available, boolean activeUp, boolean ejected, String reason, double utilization) {}
