package io.serai.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options a netty-http endpoint takes in the {@code parameters:} map: Camel's, from the metadata
 * camel-netty-http ships in its jar, and Serai's ({@link SeraiEndpointOptions}).
 */
final class NettyHttpOptionSchemas {

    static final String METADATA = "META-INF/org/apache/camel/component/netty/http/netty-http.json";

    private NettyHttpOptionSchemas() {}

    static ObjectNode parametersSchema() {
        ObjectNode schema = SchemaValues.JSON.objectNode();
        schema.put("title", "netty-http endpoint options");
        schema.put(
                "description",
                "Options of a netty-http endpoint given in the parameters: map: Camel's netty-http options and"
                        + " Serai's own (described with \"Serai:\").");
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        Map<String, ObjectNode> options = new TreeMap<>(camelOptions());
        options.putAll(SeraiEndpointOptions.schemas());
        ObjectNode properties = schema.putObject("properties");
        options.forEach(properties::set);
        ObjectNode prefixed = schema.putObject("patternProperties");
        for (String prefix : prefixes()) {
            prefixed.putObject("^" + prefix.replace(".", "\\.") + ".+")
                    .put("description", "A " + prefix + "* option, passed on as Camel documents it");
        }
        return schema;
    }

    /** The names of netty-http's own endpoint options. */
    static Map<String, ObjectNode> camelOptions() {
        Map<String, ObjectNode> options = new TreeMap<>();
        metadata().get("properties").properties().forEach(entry -> {
            JsonNode option = entry.getValue();
            if (!"parameter".equals(option.path("kind").asText())) {
                return; // protocol, host, port and path are the URI itself
            }
            ObjectNode value = option.has("enum")
                    ? SchemaValues.ofEnum(texts(option.get("enum")))
                    : SchemaValues.ofJsonType(option.path("type").asText());
            value.put("description", option.path("description").asText());
            if (option.has("defaultValue")) {
                value.set("default", option.get("defaultValue"));
            }
            if (option.path("deprecated").asBoolean()) {
                value.put("deprecated", true);
            }
            options.put(entry.getKey(), value);
        });
        return options;
    }

    private static List<String> prefixes() {
        List<String> prefixes = new ArrayList<>();
        metadata().get("properties").forEach(option -> {
            if (option.has("prefix") && !prefixes.contains(option.get("prefix").asText())) {
                prefixes.add(option.get("prefix").asText());
            }
        });
        return prefixes;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(v -> texts.add(v.asText()));
        return texts;
    }

    private static JsonNode metadata() {
        try (InputStream in = NettyHttpOptionSchemas.class.getClassLoader().getResourceAsStream(METADATA)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
