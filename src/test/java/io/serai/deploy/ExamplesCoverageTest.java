package io.serai.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README promises that every file under examples/ is loaded by a test as a user would load it
 * and is shown in the README or docs/: an example nobody starts or explains fails here.
 */
@Timeout(30)
class ExamplesCoverageTest {

    @Test
    void everyExampleIsStartedByAnEndToEndTestAndNamedInTheDocs() throws IOException {
        String tests = read(Path.of("src/test/java"), "IT.java");
        String docs = Files.readString(Path.of("README.md")) + read(Path.of("docs"), ".md");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml"))
                    .sorted()
                    .toList()) {
                String name = "examples/" + file.getFileName();
                // Tests name it whole, or as "NAME.camel.yaml" after a shared "examples/" prefix.
                if (!tests.contains(name) && !tests.contains("\"" + file.getFileName() + "\"")) {
                    missing.add(name + " is started by no *IT test");
                }
                if (!docs.contains(name)) {
                    missing.add(name + " is named neither in README.md nor in docs/");
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    private static String read(Path dir, String suffix) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(suffix)).toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }
}
