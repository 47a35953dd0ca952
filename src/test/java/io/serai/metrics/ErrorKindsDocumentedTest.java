package io.serai.metrics;

import io.serai.http.UpstreamException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure kinds an operator reads in docs/operations.md are the ones metrics and the access log write:
 * one list, from {@link UpstreamException.Kind#label()}, so a new kind cannot go undocumented.
 */
class ErrorKindsDocumentedTest {

    private static final Pattern CODE = Pattern.compile("`([a-z_-]+)`");

    /** What a backend call records in {@code serai_upstream_errors_total}: all but the balancer's and the client's. */
    private static final Set<String> CALL_KINDS = Arrays.stream(UpstreamException.Kind.values())
            .filter(k -> k != UpstreamException.Kind.ABANDONED && k != UpstreamException.Kind.UNAVAILABLE)
            .map(UpstreamException.Kind::label)
            .collect(Collectors.toCollection(TreeSet::new));

    @Test
    void theUpstreamErrorsMetricsRowNamesEveryKindACallRecords() throws IOException {
        String row = operations()
                .lines()
                .filter(line -> line.startsWith("| `serai_upstream_errors_total`"))
                .findFirst()
                .orElseThrow();
        String[] columns = row.split(" \\| ");
        Set<String> documented = codes(columns[columns.length - 1]);
        assertEquals(CALL_KINDS, documented);
    }

    @Test
    void theAccessLogsErrorFieldNamesEveryKind() throws IOException {
        String text = operations();
        int start = text.indexOf("- `error` is there only when");
        assertTrue(start >= 0, "docs/operations.md describes the access log's error field");
        String item = text.substring(start, text.indexOf("\n- ", start + 1));
        Set<String> documented = codes(item);
        for (UpstreamException.Kind kind : UpstreamException.Kind.values()) {
            assertTrue(documented.contains(kind.label()), kind.label() + " is documented: " + documented);
        }
        assertTrue(documented.contains("internal"));
    }

    private static Set<String> codes(String text) {
        Set<String> codes = new TreeSet<>();
        Matcher m = CODE.matcher(text);
        while (m.find()) {
            codes.add(m.group(1));
        }
        codes.removeIf(code -> code.startsWith("serai_"));
        return codes;
    }

    private static String operations() throws IOException {
        return Files.readString(Path.of("docs/operations.md"));
    }
}
