package io.serai.health;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.Map;

/**
 * The member options a route puts on a backend's {@code to: netty-http:...} URI, one set per member
 * like HAProxy's per-server {@code check} and {@code maxconn} options:
 * {@code healthCheckPath}, {@code healthCheckGrpc} (true: check by {@code grpc.health.v1} the server as a
 * whole) or {@code healthCheckGrpcService} (the service to check by it), both for {@code protocol=h2}
 * members only and not with {@code healthCheckPath}, {@code healthCheckInterval} (5s), {@code healthCheckTimeout} (2s, at most
 * the interval), {@code healthyThreshold} (2), {@code unhealthyThreshold} (3), {@code loadReportPath},
 * {@code loadReportInterval} (5s), {@code maxConcurrent} (requests in flight to the member from one
 * load balancer; 0, the default, for no limit), {@code maxWait} (1s: how long a request waits for a
 * member under its limit before 503) and {@code slowStart} (0, off: how long a member that joins or
 * returns takes to ramp from a tenth of its weight to all of it, as nginx's {@code slow_start}).
 */
public record MemberOptions(
        HealthCheckSettings healthCheck,
        LoadReportSettings loadReport,
        int maxConcurrent,
        Duration maxWait,
        Duration slowStart) {

    public static final MemberOptions NONE = new MemberOptions(null, null, 0, Duration.ofSeconds(1), Duration.ZERO);

    /** Takes the health options out of an endpoint's parameters; a bad value fails the route, naming it. */
    public static MemberOptions take(Map<String, Object> parameters) {
        String checkPath = path(parameters, "healthCheckPath");
        String grpcService = grpcService(parameters, checkPath);
        Duration interval = duration(parameters, "healthCheckInterval", "5s");
        Duration timeout = duration(parameters, "healthCheckTimeout", "2s");
        int healthy = count(parameters, "healthyThreshold", 2);
        int unhealthy = count(parameters, "unhealthyThreshold", 3);
        String loadPath = path(parameters, "loadReportPath");
        Duration loadInterval = duration(parameters, "loadReportInterval", "5s");
        Duration checkTimeout = timeout.compareTo(interval) > 0 ? interval : timeout;
        HealthCheckSettings check = grpcService != null
                ? new HealthCheckSettings(
                        GrpcHealthMessages.CHECK_PATH, interval, checkTimeout, healthy, unhealthy, grpcService)
                : checkPath == null
                        ? null
                        : new HealthCheckSettings(checkPath, interval, checkTimeout, healthy, unhealthy);
        LoadReportSettings load = loadPath == null ? null : new LoadReportSettings(loadPath, loadInterval);
        Object limit = parameters.remove("maxConcurrent");
        int maxConcurrent =
                limit == null ? 0 : SettingValues.wholeNumber("netty-http option maxConcurrent", limit.toString(), 0);
        Duration maxWait = duration(parameters, "maxWait", "1s");
        Object ramp = parameters.remove("slowStart");
        Duration slowStart =
                ramp == null ? Duration.ZERO : SettingValues.duration("netty-http option slowStart", ramp.toString());
        if (check == null
                && load == null
                && maxConcurrent == 0
                && maxWait.equals(NONE.maxWait())
                && slowStart.isZero()) {
            return NONE;
        }
        return new MemberOptions(check, load, maxConcurrent, maxWait, slowStart);
    }

    /**
     * The service a gRPC health check asks about ("" for {@code healthCheckGrpc=true}), or null for none. The
     * protocol runs over HTTP/2 only, so the member must say {@code protocol=h2} (still among the parameters).
     */
    private static String grpcService(Map<String, Object> parameters, String checkPath) {
        Object whole = parameters.remove("healthCheckGrpc");
        Object named = parameters.remove("healthCheckGrpcService");
        if (whole != null
                && !"true".equals(whole.toString().trim())
                && !"false".equals(whole.toString().trim())) {
            throw new IllegalArgumentException(
                    "netty-http option healthCheckGrpc=" + whole + " is invalid: expected true or false");
        }
        String service = named != null
                ? named.toString().trim()
                : whole != null && "true".equals(whole.toString().trim()) ? "" : null;
        if (service == null) {
            return null;
        }
        String option = named != null ? "healthCheckGrpcService=" + named : "healthCheckGrpc=true";
        if (checkPath != null) {
            throw new IllegalArgumentException("netty-http option " + option
                    + " is invalid with healthCheckPath: a member is checked by HTTP GET or by gRPC, not both");
        }
        Object protocol = parameters.get("protocol");
        if (protocol == null || !"h2".equals(protocol.toString().trim())) {
            throw new IllegalArgumentException(
                    "netty-http option " + option + " needs protocol=h2: the gRPC health protocol runs over HTTP/2");
        }
        return service;
    }

    private static String path(Map<String, Object> parameters, String name) {
        Object value = parameters.remove(name);
        if (value == null) {
            return null;
        }
        String path = value.toString().trim();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(
                    "netty-http option " + name + "=" + value + " is invalid: expected a path starting with /");
        }
        return path;
    }

    private static Duration duration(Map<String, Object> parameters, String name, String fallback) {
        Object value = parameters.remove(name);
        Duration d = SettingValues.duration(name, value == null ? fallback : value.toString());
        if (d.toMillis() < 10) {
            throw new IllegalArgumentException(
                    "netty-http option " + name + "=" + value + " is invalid: expected 10ms or more");
        }
        return d;
    }

    private static int count(Map<String, Object> parameters, String name, int fallback) {
        Object value = parameters.remove(name);
        return value == null ? fallback : SettingValues.wholeNumber("netty-http option " + name, value.toString(), 1);
    }
}
