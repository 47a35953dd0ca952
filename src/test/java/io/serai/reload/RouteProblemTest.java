package io.serai.reload;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RouteProblemTest {

    private static final String FILE = """
            # two routes and a bean
            - beans:
                - name: limit
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    period: 1s
                    limit: -1
            - route:
                from:
                  uri: "netty-http:http://0.0.0.0:8080/a"
                  steps:
                    - to:
                        id: not-the-route
                        uri: "netty-http:http://127.0.0.1:9"
            - route:
                id: named
                from:
                  uri: "netty-http:http://0.0.0.0:8080/b"
            """;

    private static final RouteFiles.RouteFile ROUTES =
            new RouteFiles.RouteFile(Path.of("routes/api.camel.yaml"), FILE.getBytes(StandardCharsets.UTF_8), "");

    @Test
    void aProblemReadsFileLineRouteIdAndMessageAsCompilersPrintThem() {
        assertEquals(
                "routes/api.camel.yaml:12: api: Unknown parameters=[{x=1}]",
                new RouteProblem(Path.of("routes/api.camel.yaml"), 12, "api", "Unknown parameters=[{x=1}]").toString());
    }

    @Test
    void aProblemWithoutLineOrRouteLeavesThemOut() {
        assertEquals(
                "routes/api.camel.yaml: cannot read",
                new RouteProblem(Path.of("routes/api.camel.yaml"), 0, null, "cannot read").toString());
    }

    @Test
    void aLineInsideARouteNamesThatRoutesOwnIdNotAStepsId() {
        assertEquals("named", RouteAtLine.idAt(ROUTES, 18));
        assertEquals("named", RouteAtLine.idAt(ROUTES, 15));
    }

    @Test
    void aRouteWithoutIdIsNamedAsSeraiNamesItByPosition() {
        assertEquals("api-1", RouteAtLine.idAt(ROUTES, 13));
    }

    @Test
    void aLineInABeanNamesTheBean() {
        assertEquals("bean limit", RouteAtLine.idAt(ROUTES, 7));
        assertNull(RouteAtLine.idAt(ROUTES, 1));
        assertNull(RouteAtLine.idAt(ROUTES, 0));
    }

    @Test
    void aRefusedBeanPropertyIsFoundOnItsOwnLine() {
        assertEquals(7, RouteAtLine.beanLine(ROUTES, "limit", "limit"));
        assertEquals(3, RouteAtLine.beanLine(ROUTES, "limit", "burst"));
        assertEquals(0, RouteAtLine.beanLine(ROUTES, "other", null));
    }
}
