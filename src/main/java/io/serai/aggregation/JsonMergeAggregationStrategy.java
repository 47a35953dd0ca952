package io.serai.aggregation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.serai.camel.ProcessorGraph;
import io.serai.http.RouteIds;
import io.serai.http.UpstreamException;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.processor.MulticastProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merges the JSON answers of a {@code multicast}'s backend calls into one response, as KrakenD merges
 * an endpoint's backends. Each call says how through its {@link CallOptions}; calls are merged in
 * route order, so a later call wins a field both have (logged once per route and field). A call
 * that failed, timed out, answered an error status, non-JSON or too large a body adds nothing, and
 * the answer says {@code Serai-Completed: false}; if that call is {@code required} the answer is 502
 * (504 for a time-out) with a JSON error naming it (and its backend only with {@code serai.errors.verbose}).
 * Bean name {@code jsonMerge}.
 */
public class JsonMergeAggregationStrategy implements AggregationStrategy {

    public static final String COMPLETED_HEADER = "Serai-Completed";

    private static final Logger LOG = LoggerFactory.getLogger(JsonMergeAggregationStrategy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULTS = "SeraiAggregateResults";
    private static final int MAX_COLLISIONS_REMEMBERED = 1_000;

    private final long maxBody;
    private final boolean verboseErrors;
    private final Set<String> collisionsLogged = ConcurrentHashMap.newKeySet();

    public JsonMergeAggregationStrategy(long maxBody) {
        this(maxBody, false);
    }

    /** {@code verboseErrors}: {@code serai.errors.verbose}, whether a required call's error names its backend. */
    public JsonMergeAggregationStrategy(long maxBody, boolean verboseErrors) {
        this.maxBody = maxBody;
        this.verboseErrors = verboseErrors;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        return aggregate(oldExchange, newExchange, null);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Exchange into = oldExchange == null ? newExchange : oldExchange;
        CallResults results = results(into, inputExchange);
        int index = newExchange.getProperty(ExchangePropertyKey.MULTICAST_INDEX, 0, Integer.class);
        results.put(index, read(newExchange, index));
        // A failed call is an entry in the results, not a failure of the whole exchange.
        into.setException(null);
        return into;
    }

    @Override
    public void timeout(Exchange exchange, int index, int total, long timeout) {
        CallResults results = results(exchange, null);
        results.total(total);
        CallOptions call = optionsOf(exchange, index);
        results.put(
                index,
                CallResult.failed(
                        name(call, index), call, "did not answer within the deadline of " + timeout + " ms", true));
    }

    @Override
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        Exchange answer = exchange != null ? exchange : inputExchange;
        CallResults results = results(answer, inputExchange);
        List<CallResult> calls = results.inOrder();
        Message message = answer.getMessage();
        Object channel = message.getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        message.getHeaders().clear();
        if (channel != null) {
            message.setHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT, channel);
        }
        answer.setException(null);
        message.setHeader("Content-Type", "application/json");
        for (CallResult call : calls) {
            if (!call.ok() && call.options().required()) {
                ObjectNode error = JSON.createObjectNode();
                error.put("error", "a required call failed");
                error.put("call", call.name());
                error.put("reason", call.failure());
                message.setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, call.timedOut() ? 504 : 502);
                message.setHeader(COMPLETED_HEADER, "false");
                message.setBody(bytes(error));
                LOG.warn("route {}: required call {} failed: {}", RouteIds.of(answer), call.name(), call.detail());
                return;
            }
        }
        ObjectNode merged = JSON.createObjectNode();
        boolean completed = true;
        for (CallResult call : calls) {
            if (!call.ok()) {
                completed = false;
                LOG.debug("route {}: call {} left out: {}", RouteIds.of(answer), call.name(), call.detail());
                continue;
            }
            merge(merged, JsonShaping.shape(call.body(), call.options()), call, RouteIds.of(answer));
        }
        message.setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, 200);
        message.setHeader(COMPLETED_HEADER, String.valueOf(completed));
        message.setBody(bytes(merged));
    }

    private void merge(ObjectNode merged, JsonNode node, CallResult call, String routeId) {
        String group = call.options().group();
        if (group != null) {
            merged.set(group, node);
            return;
        }
        if (!node.isObject()) {
            // An array without a group goes under "collection", as KrakenD does.
            merged.set("collection", node);
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (merged.has(field.getKey())
                    && collisionsLogged.size() < MAX_COLLISIONS_REMEMBERED
                    && collisionsLogged.add(routeId + "\u0000" + field.getKey())) {
                LOG.warn(
                        "route {}: field \"{}\" comes from more than one call; {} wins (logged once)",
                        routeId,
                        field.getKey(),
                        call.name());
            }
            merged.set(field.getKey(), field.getValue());
        }
    }

    private CallResult read(Exchange branch, int index) {
        CallOptions call = branch.getProperty(CallOptions.PROPERTY, CallOptions.NONE, CallOptions.class);
        String name = name(call, index);
        Exception failure = branch.getException();
        if (failure != null) {
            boolean timedOut = failure instanceof UpstreamException u && u.kind() == UpstreamException.Kind.TIMED_OUT;
            String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            // Only Serai's own failures are told in words that name no backend; anything else stays in the log.
            String told = verboseErrors
                    ? detail
                    : failure instanceof UpstreamException u ? u.reason(false) : "the call failed";
            return CallResult.failed(name, call, told, detail, timedOut);
        }
        Message message = branch.getMessage();
        Integer status = message.getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && (status < 200 || status > 299)) {
            return CallResult.failed(name, call, "answered " + status, false);
        }
        String type = message.getHeader("Content-Type", String.class);
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return CallResult.failed(name, call, "answered " + type + ", not JSON", false);
        }
        String encoding = message.getHeader("Content-Encoding", String.class);
        byte[] body = body(message);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            try {
                body = decoded(body, encoding.trim().toLowerCase(java.util.Locale.ROOT));
            } catch (java.io.IOException e) {
                return CallResult.failed(
                        name, call, "answered a " + encoding + " body that could not be decoded", false);
            }
            if (body == null) {
                return CallResult.failed(name, call, "answered a " + encoding + "-encoded body", false);
            }
        }
        if (body.length > maxBody) {
            return CallResult.failed(
                    name, call, "answered more than serai.aggregate.max-body (" + maxBody + " bytes)", false);
        }
        try {
            return CallResult.answered(name, call, body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body));
        } catch (java.io.IOException e) {
            return CallResult.failed(name, call, "answered a body that is not valid JSON", false);
        }
    }

    /** The body decoded, at most one byte past the limit; null for an encoding Serai does not decode. */
    private byte[] decoded(byte[] body, String encoding) throws java.io.IOException {
        java.io.InputStream in;
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body));
        } else if (encoding.equals("deflate")) {
            in = new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(body));
        } else {
            return null;
        }
        try (in) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
        }
    }

    private static byte[] body(Message message) {
        Object body = message.getBody();
        if (body instanceof ByteBuf buf) {
            return ByteBufUtil.getBytes(buf);
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = message.getBody(byte[].class);
        return bytes == null ? new byte[0] : bytes;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(CallOptions call, int index) {
        return call.group() != null ? call.group() : "call " + (index + 1);
    }

    private static CallResults results(Exchange exchange, Exchange input) {
        CallResults results = input == null ? null : input.getProperty(RESULTS, CallResults.class);
        if (results == null) {
            results = exchange.getProperty(RESULTS, CallResults.class);
        }
        if (results == null) {
            results = new CallResults();
        }
        exchange.setProperty(RESULTS, results);
        if (input != null) {
            input.setProperty(RESULTS, results);
        }
        return results;
    }

    /**
     * The options of call {@code index} of the route's multicast, for a call that never came back (so
     * never put its options on its exchange): read from the built route, on this failure path only.
     */
    private CallOptions optionsOf(Exchange exchange, int index) {
        Route route = exchange.getContext().getRoute(exchange.getFromRouteId());
        if (route == null) {
            return CallOptions.NONE;
        }
        for (MulticastProcessor multicast : ProcessorGraph.all(route.navigate(), MulticastProcessor.class)) {
            if (multicast.getAggregationStrategy() == this) {
                List<Processor> outputs = List.copyOf(multicast.next());
                AggregatedCall call = index < outputs.size()
                        ? ProcessorGraph.endpointOf(outputs.get(index), AggregatedCall.class)
                        : null;
                return call == null ? CallOptions.NONE : call.callOptions();
            }
        }
        return CallOptions.NONE;
    }
}
