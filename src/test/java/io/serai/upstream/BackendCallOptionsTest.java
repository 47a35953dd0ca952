package io.serai.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one backend call is made, from its URI: the backend's query, the call's own time limit, merged or not. */
class BackendCallOptionsTest {

    @Test
    void aCallWithNoneOfTheOptionsIsAPlainProxyCall() {
        Map<String, Object> parameters = parameters("keepAlive=false");
        assertSame(BackendCallOptions.PLAIN, BackendCallOptions.take(parameters, false));
        assertEquals(Map.of("keepAlive", "false"), parameters, "other options stay for the endpoint");
    }

    @Test
    void mergeOptionsOfItsOwnMakeACallAnAggregationsCall() {
        BackendCallOptions call = BackendCallOptions.take(parameters("keepAlive=false"), true);
        assertTrue(call.merged());
        assertNull(call.query());
        assertNull(call.callTimeout());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # options                          | query        | callTimeout ms
            query=id={id}                      | id={id}      |
            'query= a=1&b=2 '                  | a=1&b=2      |
            callTimeout=500ms                  |              | 500
            callTimeout=1500                   |              | 1500
            query=x=1&callTimeout=2m           | x=1          | 120000
            """)
    void eachOptionIsTakenOutWithoutMakingTheCallMerged(String options, String query, Long callTimeoutMillis) {
        Map<String, Object> parameters = parameters(options);
        BackendCallOptions call = BackendCallOptions.take(parameters, false);
        assertFalse(call.merged(), "query and callTimeout say how the call is made, not that its answer is merged");
        assertEquals(query, call.query());
        assertEquals(callTimeoutMillis == null ? null : Duration.ofMillis(callTimeoutMillis), call.callTimeout());
        assertFalse(parameters.containsKey("query") || parameters.containsKey("callTimeout"));
    }

    @ParameterizedTest(name = "[{index}] callTimeout={0}")
    @CsvSource({"soon", "-1s", "1d"})
    void aBadCallTimeoutFailsNamingTheOption(String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BackendCallOptions.take(parameters("callTimeout=" + value), false));
        assertTrue(e.getMessage().contains("callTimeout"), e.getMessage());
    }

    /** Options as Camel hands them to the component; {@code query}'s own value may hold {@code &} and {@code =}. */
    private static Map<String, Object> parameters(String options) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        String rest = options;
        int q = rest.indexOf("query=");
        if (q >= 0) {
            int end = rest.indexOf("&callTimeout=", q);
            String value = end < 0 ? rest.substring(q + 6) : rest.substring(q + 6, end);
            parameters.put("query", value);
            rest = rest.substring(0, q) + (end < 0 ? "" : rest.substring(end + 1));
        }
        for (String option : rest.split("&")) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                parameters.put(option.substring(0, eq), option.substring(eq + 1));
            }
        }
        return parameters;
    }
}
