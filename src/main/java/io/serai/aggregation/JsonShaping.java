package io.serai.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * What KrakenD's backend options do to one call's JSON before it is merged: {@code target} takes a
 * dotted sub-object, {@code allow} keeps only the listed dotted fields, {@code deny} drops them and
 * {@code mapping} renames top-level fields. An array is shaped element by element.
 */
final class JsonShaping {

    private JsonShaping() {}

    static JsonNode shape(JsonNode body, CallOptions call) {
        JsonNode node = call.target() == null ? body : at(body, call.target());
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(shapeOne(element, call)));
            return out;
        }
        return shapeOne(node, call);
    }

    private static JsonNode shapeOne(JsonNode node, CallOptions call) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode object = ((ObjectNode) node).deepCopy();
        if (!call.allow().isEmpty()) {
            object = allowOnly(object, call.allow());
        }
        for (String path : call.deny()) {
            remove(object, path);
        }
        for (Map.Entry<String, String> rename : call.mapping().entrySet()) {
            JsonNode value = object.remove(rename.getKey());
            if (value != null) {
                object.set(rename.getValue(), value);
            }
        }
        return object;
    }

    static JsonNode at(JsonNode node, String dotted) {
        JsonNode current = node;
        for (String key : dotted.split("\\.")) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(key);
        }
        return current;
    }

    private static ObjectNode allowOnly(ObjectNode source, List<String> paths) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String path : paths) {
            String[] keys = path.split("\\.");
            JsonNode value = at(source, path);
            if (value == null) {
                continue;
            }
            ObjectNode parent = out;
            for (int i = 0; i < keys.length - 1; i++) {
                JsonNode child = parent.get(keys[i]);
                parent = child instanceof ObjectNode existing ? existing : parent.putObject(keys[i]);
            }
            parent.set(keys[keys.length - 1], value.deepCopy());
        }
        return out;
    }

    private static void remove(ObjectNode object, String path) {
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? object : at(object, path.substring(0, dot));
        if (parent instanceof ObjectNode p) {
            p.remove(dot < 0 ? path : path.substring(dot + 1));
        }
    }
}
