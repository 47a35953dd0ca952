package io.serai.config.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.serai.health.PassiveHealthSettings;
import io.serai.ingress.ForwardingSettings;
import io.serai.ingress.ListenerDrain;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.security.upstream.UpstreamTlsSettings;
import io.serai.settings.ProxySettings;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.impl.DefaultCamelContext;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The options Serai adds to netty-http endpoints. Serai's parsers take them out of a map by name, so
 * their names are found by running the real {@code ProxyHttpComponent.createEndpoint} on a map that
 * records what is asked of it, less what Camel's own component asks ({@link #askedByTheCode}); their types and descriptions are written here,
 * and RouteSchemaTest fails when the two lists differ.
 */
final class SeraiEndpointOptions {

    /** name to {type or enum values, description}, in the order the docs introduce them. */
    static final Map<String, List<String>> OPTIONS = table(
            "preserveHost",
            "boolean",
            "Send the client's Host to the backend (default true); false sends the backend's own.",
            "resolve",
            "enum:one,all",
            "one (the default): send to the backend's name; all: each address of the name is a load-balancer member.",
            "protocol",
            "enum:h2",
            "h2: call this backend over HTTP/2 (cleartext or over TLS by the URI's scheme).",
            "query",
            "string",
            "Query string sent to the backend on this call, in place of the client's.",
            "callTimeout",
            "string",
            "Longest wait for this backend call's answer, such as 2s.",
            "healthCheckPath",
            "string",
            "Path an active health check asks of this member (GET, 2xx or 3xx is healthy).",
            "healthCheckGrpc",
            "boolean",
            "true: check this protocol=h2 member with grpc.health.v1 for the server as a whole.",
            "healthCheckGrpcService",
            "string",
            "The service a grpc.health.v1 check asks about (protocol=h2 members).",
            "healthCheckInterval",
            "string",
            "Time between health checks (default 5s).",
            "healthCheckTimeout",
            "string",
            "Longest wait for a health check's answer, at most the interval (default 2s).",
            "healthyThreshold",
            "integer",
            "Passed checks in a row that make a member healthy again (default 2).",
            "unhealthyThreshold",
            "integer",
            "Failed checks in a row that make a member unhealthy (default 3).",
            "loadReportPath",
            "string",
            "Path the resource-based balancer polls for the member's load report.",
            "loadReportInterval",
            "string",
            "Time between load reports (default 5s).",
            "maxConcurrent",
            "integer",
            "Requests in flight to this member from one load balancer; 0 (the default) for no limit.",
            "maxWait",
            "string",
            "How long a request waits for a member under its maxConcurrent before 503 (default 1s).",
            "slowStart",
            "string",
            "How long a member that joins or returns takes to ramp up to its full weight (default 0, off).",
            "group",
            "string",
            "Aggregation: put this call's JSON body under this key instead of merging its fields.",
            "target",
            "string",
            "Aggregation: take only this dotted sub-object of the call's body.",
            "allow",
            "string",
            "Aggregation: dotted fields to keep, comma-separated.",
            "deny",
            "string",
            "Aggregation: dotted fields to drop, comma-separated.",
            "mapping",
            "string",
            "Aggregation: renames, old:new,...",
            "required",
            "boolean",
            "Aggregation: this call's failure fails the whole request.",
            "tlsCa",
            "string",
            "PEM file of the CAs that sign this backend's certificate (over serai.upstream.tls.ca).",
            "tlsClientCert",
            "string",
            "PEM certificate chain Serai presents to this backend.",
            "tlsClientKey",
            "string",
            "PEM key of tlsClientCert.",
            "tlsServerName",
            "string",
            "Name sent in SNI and checked in this backend's certificate.",
            "proxyProtocol",
            "boolean",
            "Listener: read a PROXY protocol (v1 or v2) header before each connection's requests.",
            "tlsClientCa",
            "string",
            "Listener: PEM file of the CAs whose client certificates this listener accepts.",
            "tlsClientAuth",
            "enum:none,optional,required",
            "Listener: whether a client certificate is asked for or required.",
            "tlsCert",
            "string",
            "Listener (https://): PEM certificate chain of this listener, over serai.tls.cert.",
            "tlsKey",
            "string",
            "Listener (https://): PEM key of tlsCert.",
            "virtualHosts",
            "string",
            "Listener: the host names this route serves, comma-separated (*.example.com allowed).",
            "requestBuffering",
            "boolean",
            "Listener: hold each request body whole before calling the backend (default false).",
            "responseBuffering",
            "boolean",
            "Listener: hold each response body whole before answering (default false).",
            "webSocket",
            "boolean",
            "Listener: this route carries WebSocket upgrades (default false).");

    private SeraiEndpointOptions() {}

    static Map<String, ObjectNode> schemas() {
        Map<String, ObjectNode> schemas = new TreeMap<>();
        OPTIONS.forEach((name, spec) -> {
            ObjectNode value = spec.get(0).startsWith("enum:")
                    ? SchemaValues.ofEnum(List.of(spec.get(0).substring(5).split(",")))
                    : SchemaValues.ofJsonType(spec.get(0));
            schemas.put(name, value.put("description", "Serai: " + spec.get(1)));
        });
        return schemas;
    }

    /**
     * The option names Serai's component takes out of an endpoint's parameters and Camel's netty-http
     * component does not.
     */
    static Set<String> askedByTheCode() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ProxyHttpComponent serai = new ProxyHttpComponent(
                    context,
                    ProxySettings.defaults(),
                    PassiveHealthSettings.defaults(),
                    UpstreamTlsSettings.defaults(),
                    ForwardingSettings.from(key -> null),
                    new ListenerDrain());
            NettyHttpComponent camel = new NettyHttpComponent();
            context.addComponent("netty-http", serai);
            context.addComponent("camel-netty-http", camel);
            Set<String> asked = askedBy(serai);
            asked.removeAll(askedBy(camel));
            return asked;
        }
    }

    private static Set<String> askedBy(NettyHttpComponent component) throws Exception {
        RecordingMap parameters = new RecordingMap();
        Method create =
                NettyHttpComponent.class.getDeclaredMethod("createEndpoint", String.class, String.class, Map.class);
        create.setAccessible(true);
        create.invoke(component, "netty-http:http://127.0.0.1:9/", "http://127.0.0.1:9/", parameters);
        return parameters.asked;
    }

    private static Map<String, List<String>> table(String... cells) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int i = 0; i < cells.length; i += 3) {
            rows.put(cells[i], List.of(cells[i + 1], cells[i + 2]));
        }
        return rows;
    }

    /** A parameter map that notes every name looked up or taken out of it. */
    private static final class RecordingMap extends LinkedHashMap<String, Object> {
        final Set<String> asked = new TreeSet<>();

        @Override
        public Object remove(Object key) {
            asked.add(String.valueOf(key));
            return super.remove(key);
        }

        @Override
        public Object get(Object key) {
            asked.add(String.valueOf(key));
            return super.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            asked.add(String.valueOf(key));
            return super.containsKey(key);
        }

        @Override
        public Object getOrDefault(Object key, Object defaultValue) {
            asked.add(String.valueOf(key));
            return super.getOrDefault(key, defaultValue);
        }
    }
}
