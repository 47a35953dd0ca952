package io.serai.resilience;

import io.github.bucket4j.TimeMeter;
import io.serai.http.RequestKeys;
import io.serai.http.RouteIds;
import io.serai.settings.SettingValues;
import io.serai.shared.SharedRedis;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * A rate limit, declared as a bean and applied with {@code policy: {ref: <bean>}}: {@code limit}
 * requests per {@code period} per key, with bursts of up to {@code burst}. The key is
 * {@code client-address}, {@code header:NAME}, {@code cookie:NAME} or {@code global}; requests
 * without that header or cookie share one allowance. At most {@code maxKeys} allowances are kept
 * (least recently used dropped first), and one untouched long enough to be full again is dropped, so
 * memory stays bounded however many clients there are.
 *
 * <p>{@code scope: local} (the default) counts in this process; {@code scope: cluster} counts in the
 * Redis of {@code serai.redis.url}, one allowance per key for all replicas, and falls back to a local
 * allowance of {@code limit / serai.redis.fallback-replicas} while Redis cannot be reached (or answers
 * 503 with {@code serai.redis.rate-limit-on-failure=closed}).
 */
public class RateLimitPolicy implements Policy {

    static final String GLOBAL = "global";

    private int limit = 10;
    private Duration period = Duration.ofSeconds(1);
    private int burst = -1;
    private String key = RequestKeys.CLIENT_ADDRESS;
    private Function<Exchange, String> keyOf = RequestKeys::clientAddress;
    private long maxKeys = 100_000;
    private boolean cluster;
    private volatile LocalAllowances local;
    private volatile LocalAllowances fallback;

    /** Requests allowed per period per key (default 10). */
    public void setLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(
                    "rate limit limit=" + limit + " is invalid: expected 1 or more requests");
        }
        this.limit = limit;
    }

    /** The time the limit counts over, such as 1s or 1m (default 1s). */
    public void setPeriod(String period) {
        Duration d = SettingValues.duration("rate limit period", period);
        if (d.isZero()) {
            throw new IllegalArgumentException("rate limit period=" + period + " is invalid: expected more than 0");
        }
        this.period = d;
    }

    /** Requests a key may send at once after a quiet spell (default: the limit). */
    public void setBurst(int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("rate limit burst=" + burst + " is invalid: expected 1 or more");
        }
        this.burst = burst;
    }

    /** What requests are counted by: client-address (the default), header:NAME, cookie:NAME or global. */
    public void setKey(String key) {
        String k = key.trim();
        this.keyOf = k.equals(GLOBAL) ? exchange -> GLOBAL : RequestKeys.parse(k, "rate limit key");
        this.key = k;
    }

    /** Most keys counted at once; the least recently used go first (default 100000). */
    public void setMaxKeys(long maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("rate limit maxKeys=" + maxKeys + " is invalid: expected 1 or more");
        }
        this.maxKeys = maxKeys;
    }

    /** local (the default): counted in this process; cluster: counted in Redis for all replicas. */
    public void setScope(String scope) {
        String s = scope.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("local") && !s.equals("cluster")) {
            throw new IllegalArgumentException("rate limit scope=" + scope
                    + " is invalid: expected local (this process) or cluster (all replicas, through Redis)");
        }
        this.cluster = s.equals("cluster");
    }

    public String getScope() {
        return cluster ? "cluster" : "local";
    }

    public int getLimit() {
        return limit;
    }

    public String getKey() {
        return key;
    }

    /** The burst: {@code limit} unless set. */
    int burst() {
        return burst > 0 ? burst : limit;
    }

    Duration period() {
        return period;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // settings are complete once Camel has bound the bean's properties
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        String routeId = RouteIds.userId(route.getRouteId());
        ClusterAllowances shared = null;
        if (cluster) {
            SharedRedis redis = SharedRedis.lookup(route.getCamelContext());
            if (redis == null) {
                throw new IllegalArgumentException("route " + routeId
                        + ": a rate limit with scope: cluster needs serai.redis.url (the Redis the replicas"
                        + " share); set it, or use scope: local");
            }
            shared = new ClusterAllowances(redis, routeId, limit, period, burst());
        }
        return new RateLimitProcessor(AsyncProcessorConverterHelper.convert(processor), this, shared, routeId);
    }

    /** The key of this request's allowance ("" for requests without the header or cookie). */
    String keyOf(Exchange exchange) {
        String k = keyOf.apply(exchange);
        return k == null ? "" : k;
    }

    /** This request's take from its key's allowance in this process. */
    RateLimitTake take(Exchange exchange) {
        return local().take(keyOf(exchange));
    }

    /** Allowances kept now (for tests of the bound). */
    long trackedKeys() {
        return local().trackedKeys();
    }

    LocalAllowances local() {
        LocalAllowances l = local;
        if (l == null) {
            synchronized (this) {
                if (local == null) {
                    local = new LocalAllowances(limit, period, burst(), maxKeys, TimeMeter.SYSTEM_NANOTIME);
                }
                l = local;
            }
        }
        return l;
    }

    /** A cluster limit's share for this replica while Redis cannot be reached: limit and burst / replicas. */
    LocalAllowances fallback(int replicas) {
        LocalAllowances f = fallback;
        if (f == null) {
            synchronized (this) {
                if (fallback == null) {
                    fallback = new LocalAllowances(
                            Math.max(1, limit / replicas),
                            period,
                            Math.max(1, burst() / replicas),
                            maxKeys,
                            TimeMeter.SYSTEM_NANOTIME);
                }
                f = fallback;
            }
        }
        return f;
    }
}
