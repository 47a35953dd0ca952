package io.serai.balancing;

import io.serai.http.RequestKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;

import java.util.function.Function;

/**
 * Sticky sessions by consistent hashing ({@link RendezvousHashSelection}): the same key always goes to
 * the same available member. What {@code stickyLoadBalancer} (with its {@code correlationExpression})
 * becomes in Serai; as a bean, {@code key} is {@code header:NAME}, {@code cookie:NAME} or
 * {@code client-address} (the default). With {@code weights}, a member's share of keys follows its weight.
 */
public class ConsistentHashLoadBalancer extends HealthAwareLoadBalancer {

    private String key = "client-address";
    private Function<Exchange, String> keyOf = RequestKeys::clientAddress;

    public ConsistentHashLoadBalancer() {}

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
    MemberSelection newSelection() {
        return new RendezvousHashSelection(keyOf);
    }

    @Override
    String refusesSlowStart() {
        return "stickyLoadBalancer (consistent hashing) takes no slowStart: a key's member does not change with load";
    }

    @Override
    public ConsistentHashLoadBalancer copy() {
        ConsistentHashLoadBalancer copy = withCommonSettings(new ConsistentHashLoadBalancer());
        copy.key = key;
        copy.keyOf = keyOf;
        return copy;
    }
}
