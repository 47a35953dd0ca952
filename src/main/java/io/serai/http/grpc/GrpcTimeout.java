package io.serai.http.grpc;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.time.Duration;

/**
 * {@code grpc-timeout}, the time a gRPC client gives its call (grpc's PROTOCOL-HTTP2.md): 1 to 8 ASCII
 * digits and a unit, {@code H} hours, {@code M} minutes, {@code S} seconds, {@code m} milliseconds,
 * {@code u} microseconds, {@code n} nanoseconds. Serai makes it the call's deadline, capped by the
 * route's own time limit, and tells the backend what is left of it.
 * <p>
 * A value outside that grammar is ignored, as Envoy does ({@code Grpc::Common::getGrpcTimeout}); the spec
 * gives no error for it, the route's own limit still applies, and the header reaches the backend as the
 * client sent it, so a gRPC server that refuses it answers the client in its own words.
 */
public final class GrpcTimeout {

    /** Cached: its case-insensitive hash is computed once, not on each upstream call's lookup. */
    public static final AsciiString HEADER = AsciiString.cached("grpc-timeout");

    private static final long MAX_VALUE = 99_999_999L;

    private GrpcTimeout() {}

    /** The time {@code value} gives, or null when it is not a valid {@code grpc-timeout}. */
    public static Duration parse(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return null;
        }
        long amount = 0;
        int digits = value.length() - 1;
        for (int i = 0; i < digits; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            amount = amount * 10 + (c - '0');
        }
        return switch (value.charAt(digits)) {
            case 'H' -> Duration.ofHours(amount);
            case 'M' -> Duration.ofMinutes(amount);
            case 'S' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMillis(amount);
            case 'u' -> Duration.ofNanos(amount * 1_000L);
            case 'n' -> Duration.ofNanos(amount);
            default -> null;
        };
    }

    /**
     * {@code time} as a {@code grpc-timeout} value, in the finest unit whose 8 digits hold it, rounded up
     * so a backend never gets less than is left (zero or less is {@code 0n}, already expired).
     */
    public static String format(Duration time) {
        long nanos = time.isNegative() ? 0 : saturatedNanos(time);
        long[] perUnit = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
        char[] units = {'n', 'u', 'm', 'S', 'M', 'H'};
        for (int i = 0; i < units.length; i++) {
            long amount = ceilDiv(nanos, perUnit[i]);
            if (amount <= MAX_VALUE) {
                return amount + String.valueOf(units[i]);
            }
        }
        return MAX_VALUE + "H";
    }

    /**
     * The time limit of a call whose request carries {@code headers} and arrived at {@code arrivedMillis}
     * (epoch milliseconds): {@code limit} or, when the client's {@code grpc-timeout} leaves less, what is left
     * of that, which the backend is then told in {@code grpc-timeout}. Zero or less: the deadline has passed.
     */
    public static Duration capAndForward(HttpHeaders headers, long arrivedMillis, long nowMillis, Duration limit) {
        String value = headers.get(HEADER);
        if (value == null) {
            return limit;
        }
        Duration asked = parse(value);
        if (asked == null) {
            return limit;
        }
        Duration left = asked.minusMillis(Math.max(0, nowMillis - arrivedMillis));
        Duration capped = left.compareTo(limit) < 0 ? left : limit;
        headers.set(HEADER, format(capped));
        return capped;
    }

    private static long saturatedNanos(Duration time) {
        try {
            return time.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static long ceilDiv(long x, long y) {
        return x / y + (x % y == 0 ? 0 : 1);
    }
}
