package io.serai.config.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Collection;

/**
 * The JSON Schema of one setting's value. Every value may also be a {@code {{placeholder}}}, and a
 * number or boolean may be written as a string, since Camel converts them when it binds.
 */
final class SchemaValues {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final String PLACEHOLDER = "#/definitions/placeholder";

    private SchemaValues() {}

    static ObjectNode placeholder() {
        // no description: editors would show it on hover in place of the setting's own
        return JSON.objectNode().put("type", "string").put("pattern", "\\{\\{.+\\}\\}");
    }

    static ObjectNode ofJavaType(Class<?> type) {
        if (type == boolean.class || type == Boolean.class) {
            return ofJsonType("boolean");
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return ofJsonType("integer");
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return ofJsonType("number");
        }
        if (type.isEnum()) {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(((Enum<?>) constant).name());
            }
            return ofEnum(names);
        }
        return ofJsonType("string");
    }

    /** {@code type} as named by JSON Schema or by Camel's component metadata ("duration", "object"...). */
    static ObjectNode ofJsonType(String type) {
        return switch (type) {
            case "boolean" -> orPlaceholder(JSON.objectNode().put("type", "boolean"), "^(true|false)$");
            case "integer" -> orPlaceholder(JSON.objectNode().put("type", "integer"), "^\\s*-?[0-9]+\\s*$");
            case "number" -> orPlaceholder(JSON.objectNode().put("type", "number"), "^\\s*-?[0-9.eE+-]+\\s*$");
            case "object" -> JSON.objectNode().put("type", "string"); // a bean reference such as #name
            default -> {
                ObjectNode any = JSON.objectNode();
                any.putArray("type").add("string").add("number").add("boolean");
                yield any;
            }
        };
    }

    static ObjectNode ofEnum(Collection<String> values) {
        ObjectNode choice = JSON.objectNode();
        ArrayNode names = choice.putArray("enum");
        values.forEach(names::add);
        ObjectNode value = JSON.objectNode();
        value.putArray("anyOf").add(choice).add(JSON.objectNode().put("$ref", PLACEHOLDER));
        return value;
    }

    private static ObjectNode orPlaceholder(ObjectNode typed, String asText) {
        ObjectNode value = JSON.objectNode();
        value.putArray("anyOf")
                .add(typed)
                .add(JSON.objectNode().put("type", "string").put("pattern", asText))
                .add(JSON.objectNode().put("$ref", PLACEHOLDER));
        return value;
    }

    /**
     * A default as a route file would write it, or null when it has no plain form. Zero, negative numbers
     * and empty values often stand for "unset, decided later" in Serai's beans, so they are not shown.
     */
    static Object defaultOf(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue() > 0 ? n : null;
        }
        if (value instanceof String text) {
            return text.isEmpty() ? null : text;
        }
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Duration d) {
            long millis = d.toMillis();
            return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }
        if (value instanceof Collection<?> c && !c.isEmpty() && c.stream().allMatch(String.class::isInstance)) {
            return String.join(
                    ",",
                    new java.util.TreeSet<>(c.stream().map(String.class::cast).toList()));
        }
        return null;
    }
}
