package io.serai.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.serai.http.RequestKeys;
import io.serai.http.RouteIds;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

import java.time.Duration;
import java.util.function.Function;

/**
 * A rate limit, declared as a bean and applied with {@code policy: {ref: <bean>}}: {@code limit}
 * requests per {@code period} per key, with bursts of up to {@code burst}. The key is
 * {@code client-address}, {@code header:NAME}, {@code cookie:NAME} or {@code global}; requests
 * without that header or cookie share one allowance. At most {@code maxKeys} allowances are kept
 * (least recently used dropped first), and one untouched long enough to be full again is dropped, so
 * memory stays bounded however many clients there are.
 */
public class RateLimitPolicy implements Policy {

    static final String GLOBAL = "global";

    private int limit = 10;
    private Duration period = Duration.ofSeconds(1);
    private int burst = -1;
    private String key = RequestKeys.CLIENT_ADDRESS;
    private Function<Exchange, String> keyOf = RequestKeys::clientAddress;
    private long maxKeys = 100_000;
    private volatile Cache<String, TokenBucket> buckets;

    public void setLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(
                    "rate limit limit=" + limit + " is invalid: expected 1 or more requests");
        }
        this.limit = limit;
    }

    public void setPeriod(String period) {
        Duration d = SettingValues.duration("rate limit period", period);
        if (d.isZero()) {
            throw new IllegalArgumentException("rate limit period=" + period + " is invalid: expected more than 0");
        }
        this.period = d;
    }

    public void setBurst(int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("rate limit burst=" + burst + " is invalid: expected 1 or more");
        }
        this.burst = burst;
    }

    public void setKey(String key) {
        String k = key.trim();
        this.keyOf = k.equals(GLOBAL) ? exchange -> GLOBAL : RequestKeys.parse(k, "rate limit key");
        this.key = k;
    }

    public void setMaxKeys(long maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("rate limit maxKeys=" + maxKeys + " is invalid: expected 1 or more");
        }
        this.maxKeys = maxKeys;
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

    double perSecond() {
        return limit / (period.toNanos() / 1e9);
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // settings are complete once Camel has bound the bean's properties
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new RateLimitProcessor(
                AsyncProcessorConverterHelper.convert(processor), this, RouteIds.userId(route.getRouteId()));
    }

    /** This request's take from its key's allowance. */
    TokenBucket.Take take(Exchange exchange, long now) {
        String k = keyOf.apply(exchange);
        return buckets()
                .get(k == null ? "" : k, ignored -> new TokenBucket(perSecond(), burst(), now))
                .take(now);
    }

    /** Allowances kept now (for tests of the bound). */
    long trackedKeys() {
        Cache<String, TokenBucket> b = buckets();
        b.cleanUp();
        return b.estimatedSize();
    }

    private Cache<String, TokenBucket> buckets() {
        Cache<String, TokenBucket> b = buckets;
        if (b == null) {
            synchronized (this) {
                if (buckets == null) {
                    long refill = (long) Math.ceil(burst() / perSecond() * 1e9);
                    buckets = Caffeine.newBuilder()
                            .maximumSize(maxKeys)
                            .expireAfterAccess(Duration.ofNanos(Math.max(refill, 1_000_000)))
                            .build();
                }
                b = buckets;
            }
        }
        return b;
    }
}
