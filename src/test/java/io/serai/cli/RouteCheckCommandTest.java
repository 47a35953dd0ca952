package io.serai.cli;

import io.serai.config.RouteLocations;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --check} in process, on one folder of route files that a start refuses, each for one setting: every
 * file is reported once, at its file and line, in the words a start uses. RouteCheckIT runs the jar as a user
 * does; this is where each refusal a start makes gets its case.
 */
class RouteCheckCommandTest {

    @TempDir
    static Path tmp;

    /** file name → the route file; each is refused by a start. */
    static final Map<String, String> BROKEN = new TreeMap<>();

    /** file name → what follows the file's path on its line of the report. */
    static final Map<String, String> EXPECTED = new TreeMap<>();

    static final String SAME_REQUESTS = "route same-listener-1 (/same, any host) and route same-listener-2 (/same,"
            + " any host) would answer the same requests: give one another path, virtualHosts or httpMethodRestrict";

    static String output;
    static List<String> problems;
    static int exit;

    @BeforeAll
    static void checkTheBrokenFolder() throws Exception {
        String jwt = "io.serai.security.JwtCheck";
        put(
                "jwt-no-jwks",
                6,
                "jwt: set exactly one of jwksFile and jwksUrl (the JWKS with the token signing keys)",
                guarded(jwt, "audience: orders-api"));
        put(
                "jwt-both-jwks",
                8,
                "jwt: set exactly one of jwksFile and jwksUrl (the JWKS with the token signing keys)",
                guarded(
                        jwt,
                        "jwksFile: /nowhere/jwks.json",
                        "jwksUrl: https://idp.example/jwks.json",
                        "audience: orders-api"));
        put(
                "jwt-no-audience",
                6,
                "jwt audience is required: the value (or comma list) a token's aud must name",
                guarded(jwt, "jwksUrl: https://idp.example/jwks.json"));
        put(
                "jwt-cache-time",
                9,
                "jwt jwksCacheTime=10s is invalid: expected more than jwksRefetchInterval (30s)",
                guarded(
                        jwt,
                        "jwksUrl: https://idp.example/jwks.json",
                        "audience: orders-api",
                        "jwksCacheTime: 10s",
                        "jwksRefetchInterval: 30s"));
        String apiKey = "io.serai.security.ApiKeyCheck";
        put(
                "api-key-no-keys",
                6,
                "api key check: set keys (comma-separated name:key or key) or keysFile",
                guarded(apiKey, "header: X-Key"));
        put(
                "api-key-identity",
                7,
                "api key check identityHeader=x-api-key is the header the key is read from:"
                        + " choose another name, e.g. X-Api-Key-Name",
                guarded(apiKey, "keys: \"a:0123456789abcdef0123456789abcdef\"", "identityHeader: x-api-key"));
        put(
                "api-key-malformed",
                6,
                "api key check keys entry 2 repeats the key of keys entry 1",
                guarded(apiKey, "keys: \"a:k,a:k\""));
        put(
                "basic-auth-no-users",
                6,
                "basic auth check: set usersFile (an htpasswd file of bcrypt or argon2 hashes)",
                guarded("io.serai.security.BasicAuthCheck", "realm: shop"));
        put(
                "slow-start-sticky",
                1,
                "stickyLoadBalancer (consistent hashing) takes no slowStart: a key's member does"
                        + " not change with load: remove slowStart from member http://127.0.0.1:8",
                """
                - route:
                    id: NAME
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/NAME"
                      steps:
                        - loadBalance:
                            stickyLoadBalancer:
                              correlationExpression: {header: X-User}
                            steps:
                              - to: "netty-http:http://127.0.0.1:9"
                              - to: "netty-http:http://127.0.0.1:8?slowStart=30s"
                """);
        // Route-scoped onException: Camel takes it out of the steps when it prepares the route, as a start does.
        BROKEN.put("on-exception-ok.camel.yaml", """
                - route:
                    id: on-exception-ok
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/on-exception-ok"
                      steps:
                        - onException:
                            exception: [java.io.IOException]
                            handled: {constant: true}
                            steps:
                              - setBody: {constant: backend down}
                        - to: "netty-http:http://127.0.0.1:9"
                """);
        put(
                "on-exception-option",
                6,
                "Failed to resolve endpoint: netty-http://http://127.0.0.1:8?conectTimeout=1000"
                        + " due to: There are 1 parameters that couldn't be set on the endpoint. Check the uri if the"
                        + " parameters are spelt correctly and that they are properties of the endpoint. Unknown"
                        + " parameters=[{conectTimeout=1000}]",
                """
                - route:
                    id: NAME
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/NAME"
                      steps:
                        - onException:
                            exception: [java.io.IOException]
                            steps:
                              - to: "netty-http:http://127.0.0.1:8?conectTimeout=1000"
                        - to: "netty-http:http://127.0.0.1:9"
                """);
        put("same-listener", 7, "same-listener-2", SAME_REQUESTS, """
                - route:
                    id: NAME-1
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/same"
                      steps:
                        - to: "netty-http:http://127.0.0.1:9"
                - route:
                    id: NAME-2
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/same"
                      steps:
                        - to: "netty-http:http://127.0.0.1:8"
                """);
        for (Map.Entry<String, String> file : BROKEN.entrySet()) {
            Files.writeString(tmp.resolve(file.getKey()), file.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        exit = RouteCheckCommand.run(
                List.of(RouteLocations.parse(tmp.toString())),
                RouteCheckCommandTest.class.getClassLoader(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        output = out.toString(StandardCharsets.UTF_8);
        problems = err.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains(".camel.yaml:"))
                .toList();
    }

    /**
     * {@code name}.camel.yaml, which --check must refuse at {@code line} with {@code message}; its route and bean
     * are named {@code name}, as route ids and bean names are shared by every file.
     */
    private static void put(String name, int line, String message, String routes) {
        put(name, line, name, message, routes);
    }

    private static void put(String name, int line, String routeId, String message, String routes) {
        BROKEN.put(name + ".camel.yaml", routes.replace("NAME", name));
        EXPECTED.put(name + ".camel.yaml", ":" + line + ": " + routeId + ": " + message);
    }

    /** A route NAME guarded by a bean NAME of {@code type} with {@code properties}, one YAML line each. */
    private static String guarded(String type, String... properties) {
        return """
                - beans:
                    - name: NAME
                      type: "#class:%s"
                      properties:
                        %s
                - route:
                    id: NAME
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/NAME"
                      steps:
                        - process: {ref: NAME}
                        - to: "netty-http:http://127.0.0.1:9"
                """.formatted(type, String.join("\n        ", properties));
    }

    @Test
    void everyBrokenFileIsReportedOnceAndTheCheckFails() {
        assertEquals(1, exit);
        assertEquals("", output);
        assertEquals(EXPECTED.size(), problems.size(), String.join("\n", problems));
    }

    @Test
    void eachFileIsReportedAtItsLineInTheWordsOfAStart() {
        List<String> expected = EXPECTED.entrySet().stream()
                .map(e -> tmp.resolve(e.getKey()) + e.getValue())
                .toList();
        assertEquals(expected, problems);
    }

    @Test
    void aRouteScopedOnExceptionThatAStartAcceptsPassesAndOneItRefusesIsReported() throws Exception {
        String accepted = BROKEN.get("on-exception-ok.camel.yaml").replace("0.0.0.0", "127.0.0.1");
        RunningSerai.routes(accepted).start(tmp).close();
        assertTrue(problems.stream().noneMatch(p -> p.contains("on-exception-ok")), String.join("\n", problems));
        String refused = StartFailure.messages(
                BROKEN.get("on-exception-option.camel.yaml").replace("0.0.0.0", "127.0.0.1"), tmp);
        assertTrue(refused.contains("Unknown parameters=[{conectTimeout=1000}]"), refused);
    }

    @Test
    void twoRoutesOnOneListenerAndPathAreRefusedAsAStartRefusesThem() {
        String twice = BROKEN.get("same-listener.camel.yaml").replace("0.0.0.0", "127.0.0.1");
        String refused = StartFailure.messages(twice, tmp);
        assertTrue(refused.contains(SAME_REQUESTS), refused);
    }
}
