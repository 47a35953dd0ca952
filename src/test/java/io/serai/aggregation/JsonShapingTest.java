package io.serai.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one call's options do to its JSON before the merge, as KrakenD's backend options do: target,
 * then allow, deny and mapping, element by element for an array.
 */
@Timeout(10)
class JsonShapingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "[{index}] {5}: {0} -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # body                                        | target     | allow    | deny     | mapping   | what it shows                              | shaped
            {"a":1,"b":2}                                 |            |          |          |           | no options leave the body as it is          | {"a":1,"b":2}
            {"data":{"x":1},"y":2}                        | data       |          |          |           | target takes a sub-object                   | {"x":1}
            {"data":{"inner":{"x":1}}}                    | data.inner |          |          |           | target is dotted                            | {"x":1}
            {"y":2}                                       | data       |          |          |           | a missing target is an empty object         | {}
            {"data":null}                                 | data       |          |          |           | a null target is an empty object            | {}
            {"data":5}                                    | data.x     |          |          |           | a path through a scalar finds nothing       | {}
            {"data":5}                                    | data       |          |          |           | a scalar target stands as it is             | 5
            {"a":1,"b":2,"c":{"d":3,"e":4}}               |            | a,c.d    |          |           | allow keeps the listed dotted fields        | {"a":1,"c":{"d":3}}
            {"a":1,"b":2,"c":{"d":3,"e":4}}               |            | c.d,c.e  |          |           | allowed fields share their parent           | {"c":{"d":3,"e":4}}
            {"a":1}                                       |            | z        |          |           | allowing an absent field keeps nothing      | {}
            {"a":1,"b":2,"c":{"d":3,"e":4}}               |            |          | b,c.e    |           | deny drops the listed dotted fields         | {"a":1,"c":{"d":3}}
            {"a":1}                                       |            |          | x.y      |           | denying an absent path changes nothing      | {"a":1}
            {"a":1,"b":2}                                 |            |          |          | a:alpha   | mapping renames a top-level field           | {"alpha":1,"b":2}
            {"a":1}                                       |            |          |          | z:zeta    | mapping an absent field adds nothing        | {"a":1}
            {"a":1,"b":2,"c":3}                           |            | a,b      | b        | a:x       | allow, then deny, then mapping              | {"x":1}
            [{"a":1,"b":2},{"a":3,"b":4}]                 |            | a        |          |           | an array is shaped element by element       | [{"a":1},{"a":3}]
            {"items":[{"a":1,"b":2},"x"]}                 | items      |          | b        |           | a targeted array too, scalars left alone    | [{"a":1},"x"]
            """)
    void aCallsBodyIsShapedByItsTargetAllowDenyAndMapping(
            String body, String target, String allow, String deny, String mapping, String what, String shaped)
            throws Exception {
        CallOptions call = options(target, allow, deny, mapping);
        assertEquals(JSON.readTree(shaped), JsonShaping.shape(JSON.readTree(body), call), what);
    }

    @Test
    void shapingLeavesTheBackendsBodyUntouched() throws Exception {
        JsonNode body = JSON.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":4}");
        JsonNode before = body.deepCopy();
        JsonShaping.shape(body, options(null, null, "b.c,e", "a:z"));
        assertEquals(before, body);
    }

    private static CallOptions options(String target, String allow, String deny, String mapping) {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String pair : list(mapping)) {
            renames.put(pair.substring(0, pair.indexOf(':')), pair.substring(pair.indexOf(':') + 1));
        }
        return new CallOptions(null, target, list(allow), list(deny), renames, false);
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null ? List.of() : List.of(commaSeparated.split(","));
    }
}
