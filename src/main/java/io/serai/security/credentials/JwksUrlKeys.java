package io.serai.security.credentials;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Public keys fetched from a JWKS URL by nimbus's {@link JWKSourceBuilder}: kept for
 * {@code cacheTime} and fetched again in the background before that ends; a token whose key is not
 * among them makes it fetch at once, at most twice per {@code refetchInterval}; while the URL fails,
 * the keys last fetched stay in use (for up to ten cache times). The first fetch starts with the
 * check and does not hold up Serai's start.
 */
public final class JwksUrlKeys implements SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JwksUrlKeys.class);
    private static final int SIZE_LIMIT = 256 * 1024;

    private final URL url;
    private final Duration cacheTime;
    private final Duration refetchInterval;
    private final Duration timeout;
    private final ScheduledExecutorService background;
    private volatile JWKSource<SecurityContext> source;
    private volatile JWKSet last;

    public JwksUrlKeys(
            URL url,
            Duration cacheTime,
            Duration refetchInterval,
            Duration timeout,
            ScheduledExecutorService background) {
        this.url = url;
        this.cacheTime = cacheTime;
        this.refetchInterval = refetchInterval;
        this.timeout = timeout;
        this.background = background;
    }

    /** How long a request may wait for a fetch already under way: one try and nimbus's one retry. */
    public static Duration refreshTimeout(Duration timeout) {
        return timeout.multipliedBy(2).plusSeconds(1);
    }

    /** How long before the cache time ends the keys are fetched again in the background. */
    static Duration refreshAhead(Duration cacheTime) {
        Duration quarter = cacheTime.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(30)) < 0 ? quarter : Duration.ofSeconds(30);
    }

    @Override
    public JWKSource<SecurityContext> source() {
        return source;
    }

    @Override
    public boolean loaded() {
        return last != null;
    }

    @Override
    public void start(Runnable onChange) {
        int millis = Math.toIntExact(timeout.toMillis());
        source = JWKSourceBuilder.<SecurityContext>create(url, new DefaultResourceRetriever(millis, millis, SIZE_LIMIT))
                .cache(cacheTime.toMillis(), refreshTimeout(timeout).toMillis())
                .refreshAheadCache(
                        refreshAhead(cacheTime).toMillis(),
                        event -> {
                            if (event instanceof CachingJWKSetSource.RefreshCompletedEvent<?> done) {
                                fetched(done.getJWKSet(), onChange);
                            }
                        },
                        background,
                        false,
                        background,
                        false)
                .rateLimited(refetchInterval.toMillis())
                .retrying(true)
                .outageTolerant(true)
                .build();
        background.execute(this::firstFetch);
    }

    private void fetched(JWKSet keys, Runnable onChange) {
        JWKSet before = last;
        last = keys;
        if (before == null) {
            LOG.info("JWKS fetched from {}: {} keys", url, keys.size());
        } else if (!before.equals(keys)) {
            LOG.info("JWKS changed at {}: {} keys", url, keys.size());
            onChange.run();
        }
    }

    private void firstFetch() {
        try {
            source.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        } catch (KeySourceException e) {
            LOG.warn("JWKS not fetched from {}: {}; tokens are answered 503 until it is", url, e.getMessage());
        }
    }

    @Override
    public void close() {
        JWKSource<SecurityContext> s = source;
        if (s instanceof JWKSetBasedJWKSource<SecurityContext> closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.debug("closing the JWKS source of {}: {}", url, e.getMessage());
            }
        }
    }
}
