package io.serai.balancing;

import io.serai.http.RequestKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Sticky sessions by consistent hashing: the same key always goes to the same available member, and a
 * member that leaves or returns moves only its own share of keys. Rendezvous (highest random weight)
 * hashing over member names, so every replica of Serai maps a key alike; a request without a key goes
 * to a member at random. What {@code stickyLoadBalancer} (with its {@code correlationExpression})
 * becomes in Serai; as a bean, {@code key} is {@code header:NAME}, {@code cookie:NAME} or
 * {@code client-address} (the default).
 */
public class ConsistentHashLoadBalancer extends HealthAwareLoadBalancer {

    private String key = "client-address";
    private Function<Exchange, String> keyOf = RequestKeys::clientAddress;

    public ConsistentHashLoadBalancer() {
    }

    /** Keys from a Camel expression, as {@code stickyLoadBalancer}'s correlation expression. */
    public ConsistentHashLoadBalancer(Expression expression) {
        this.key = null;
        this.keyOf = exchange -> expression.evaluate(exchange, String.class);
    }

    public void setKey(String key) {
        keyOf = RequestKeys.parse(key, "consistent hash key");
        this.key = key.trim();
    }

    public String getKey() {
        return key;
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        String k = keyOf.apply(exchange);
        if (k == null || k.isEmpty()) {
            return available[ThreadLocalRandom.current().nextInt(available.length)];
        }
        long keyHash = HashKeys.hash64(k);
        Member best = available[0];
        long bestScore = Long.MIN_VALUE;
        for (Member m : available) {
            long score = HashKeys.mix(keyHash ^ m.hashSeed());
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    @Override
    public ConsistentHashLoadBalancer copy() {
        ConsistentHashLoadBalancer copy = withCommonSettings(new ConsistentHashLoadBalancer());
        copy.key = key;
        copy.keyOf = keyOf;
        return copy;
    }
}
