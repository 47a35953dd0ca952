package io.serai.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/serai-routes.schema.json says what the code accepts, every shipped route file passes it, and a
 * mistake an editor should underline fails it with a message naming the mistake.
 */
class RouteSchemaTest {

    static final String REGENERATE =
            "./mvnw -B test -Dserai.cds.skip=true -Dtest=RouteSchemaTest -Dserai.schema.write=true";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Schema schema;

    @BeforeAll
    static void loadTheSchemaWithCamelsFromItsJar() throws Exception {
        if (Boolean.getBoolean("serai.schema.write")) {
            Files.writeString(RouteSchemaGenerator.SCHEMA, RouteSchemaGenerator.generate());
        }
        String camel;
        try (InputStream in = RouteSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            camel = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Camel's schema is referenced by URL; the test reads the same file from camel-yaml-dsl's jar
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_7,
                builder -> builder.schemas(Map.of(RouteSchemaGenerator.camelSchemaUrl(), camel)));
        schema = registry.getSchema(Files.readString(RouteSchemaGenerator.SCHEMA));
    }

    @Test
    void theSchemaInDocsIsTheOneTheCodeGenerates() throws Exception {
        String generated = RouteSchemaGenerator.generate();
        String published =
                Files.exists(RouteSchemaGenerator.SCHEMA) ? Files.readString(RouteSchemaGenerator.SCHEMA) : "";
        if (!generated.equals(published)) {
            fail(RouteSchemaGenerator.SCHEMA + " is out of step with the code: run " + REGENERATE
                    + " to regenerate it, and commit the result");
        }
    }

    @Test
    void everySeraiEndpointOptionTheCodeTakesIsDescribed() throws Exception {
        Set<String> taken = new TreeSet<>(SeraiEndpointOptions.askedByTheCode());
        assertEquals(
                new TreeSet<>(SeraiEndpointOptions.OPTIONS.keySet()),
                taken,
                "Serai's netty-http options (left: described in SeraiEndpointOptions; right: taken by the code):"
                        + " describe a new option there, then run " + REGENERATE);
    }

    @Test
    void everyShippedRouteFilePasses() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("examples", "routes")) {
            try (Stream<Path> listed = Files.list(Path.of(folder))) {
                listed.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() > 10, "route files found: " + files);
        for (Path file : files) {
            assertEquals(List.of(), errors(Files.readString(file)), file + " does not pass the schema");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        an unknown bean property  | retry  | attemps: 3                     | /0/beans/0/properties: property 'attemps' is not defined in the schema
        a bean property of the wrong type | retry | attempts: many         | /0/beans/0/properties/attempts: string found, integer expected
        an unknown endpoint option | to    | healthCheckPth: /health        | /1/route/from/steps/0/to/parameters: property 'healthCheckPth' is not defined in the schema
        a wrong enum value        | to     | tlsClientAuth: maybe           | /1/route/from/steps/0/to/parameters/tlsClientAuth: does not have a value in the enumeration
        """)
    void aMistakeFailsWithAMessageNamingIt(String mistake, String where, String line, String message) {
        String file =
                """
                - beans:
                    - name: retry
                      type: "#class:io.serai.resilience.RetryPolicy"
                      properties:
                        %s
                - route:
                    from:
                      uri: "netty-http:http://0.0.0.0:8080/"
                      steps:
                        - to:
                            uri: "netty-http:http://127.0.0.1:9000"
                            parameters:
                              %s
                """.formatted(where.equals("retry") ? line : "attempts: 3", where.equals("to") ? line : "query: a=b");
        List<String> errors = errors(file);
        assertTrue(errors.stream().anyMatch(e -> e.startsWith(message)), mistake + ": " + errors);
    }

    @Test
    void aCorrectFileWithEveryFormPasses() {
        String file = """
                - beans:
                    - name: retry
                      type: io.serai.resilience.RetryPolicy
                      properties:
                        attempts: "{{retry.attempts:3}}"
                        budget: 0.5
                        backoff: 25ms
                    - name: mine
                      type: com.example.Mine
                      properties:
                        anything: goes
                - route:
                    from:
                      uri: "netty-http:http://0.0.0.0:8080/"
                      parameters:
                        matchOnUriPrefix: true
                        virtualHosts: "api.example.com"
                      steps:
                        - to:
                            uri: "netty-http:http://127.0.0.1:9000"
                            parameters:
                              healthCheckPath: /health
                              healthCheckInterval: 1s
                              maxConcurrent: "100"
                              exchangePattern: InOut
                """;
        assertEquals(List.of(), errors(file));
    }

    private static List<String> errors(String yaml) {
        try {
            JsonNode routes = YAML.readTree(yaml);
            return schema.validate(routes).stream().map(Error::toString).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
