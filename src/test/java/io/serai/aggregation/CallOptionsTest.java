package io.serai.aggregation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge options of one aggregation call, read from its {@code netty-http:} URI's query as Camel
 * hands an endpoint its parameters: every valid form, and every bad value failing with its option named.
 */
@Timeout(10)
class CallOptionsTest {

    @Test
    void aUriWithoutMergeOptionsIsAPlainProxyCall() {
        Map<String, Object> parameters = parameters("connectTimeout=5000");
        CallOptions call = CallOptions.take(parameters);
        assertSame(CallOptions.NONE, call);
        assertFalse(call.aggregates());
        assertEquals(Map.of("connectTimeout", "5000"), parameters, "other options stay for the endpoint");
    }

    @Test
    void blankOptionsCountAsAbsent() {
        assertSame(CallOptions.NONE, CallOptions.take(parameters("group=&target= &allow=")));
    }

    @Test
    void everyOptionIsReadAndTakenOutOfTheEndpointsParameters() {
        Map<String, Object> parameters = parameters("group=users&target=data.user&allow=id,name&deny=name.secret"
                + "&mapping=id:userId,name:fullName&required=true&query=id={id}&callTimeout=2s&keepAlive=false");
        CallOptions call = CallOptions.take(parameters);
        assertEquals(
                new CallOptions(
                        "users",
                        "data.user",
                        List.of("id", "name"),
                        List.of("name.secret"),
                        Map.of("id", "userId", "name", "fullName"),
                        true),
                call);
        assertTrue(call.aggregates());
        assertEquals(
                Map.of("query", "id={id}", "callTimeout", "2s", "keepAlive", "false"),
                parameters,
                "only the merge options are taken; how the call is made is the upstream's (BackendCallOptionsTest)");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # query                                | group | target    | allow     | mapping          | required
            group=users                            | users |           |           |                  | false
            'target= data.items '                  |       | data.items|           |                  | false
            'allow=a, b ,,c'                       |       |           | a;b;c     |                  | false
            'mapping= id : userId ,n:name'         |       |           |           | id=userId;n=name | false
            required=false                         |       |           |           |                  | false
            required=true                          |       |           |           |                  | true
            """)
    void eachOptionAcceptsItsDocumentedForms(
            String query, String group, String target, String allow, String mapping, boolean required) {
        CallOptions call = CallOptions.take(parameters(query));
        assertTrue(call.aggregates());
        assertEquals(group, call.group());
        assertEquals(target, call.target());
        assertEquals(allow == null ? List.of() : List.of(allow.split(";")), call.allow());
        assertEquals(mapping == null ? Map.of() : pairs(mapping), call.mapping());
        assertEquals(required, call.required());
    }

    @ParameterizedTest(name = "[{index}] {0} fails naming {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # query                   | the message names
            required=yes              | required=yes
            required=1                | required=1
            mapping=id                | mapping=id
            mapping=:userId           | mapping=:userId
            mapping=id:               | mapping=id:
            mapping=a:b,c             | mapping=a:b,c
            """)
    void aBadValueFailsNamingTheOptionAndTheValue(String query, String named) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CallOptions.take(parameters(query)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    /**
     * The endpoint's parameters as Camel hands them to the component: name to decoded value, from a query
     * written here unencoded ({@code &} between options, the first {@code =} ends a name).
     */
    private static Map<String, Object> parameters(String query) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (String option : query.split("&")) {
            int eq = option.indexOf('=');
            parameters.put(option.substring(0, eq), option.substring(eq + 1));
        }
        return parameters;
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : text.split(";")) {
            m.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return m;
    }
}
