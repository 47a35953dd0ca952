package io.serai.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A main source file over {@value #MAX_LINES} lines says why at its top: a line starting with
 * {@value #REASON} in its head (package, imports, class Javadoc, up to the first top-level type),
 * such as {@code * Long because: the RFC 9112 grammar is one table and reads best in one place.}
 * The reason is what a reviewer weighs when the class grows further.
 */
class SourceSizeTest {

    static final int MAX_LINES = 300;
    static final String REASON = "Long because:";

    private static final Pattern TOP_LEVEL_TYPE =
            Pattern.compile("^(?:(?:public|protected|private|abstract|final|sealed|non-sealed|static|strictfp)\\s+)*"
                    + "(?:class|interface|enum|record|@interface)\\s.*");

    @Test
    void everyMainSourceFileOverThreeHundredLinesSaysWhyAtItsTop() {
        List<String> offenders = longFilesWithoutReason(Path.of("src", "main", "java"));
        assertTrue(
                offenders.isEmpty(),
                offenders.size() + " main source files are over " + MAX_LINES
                        + " lines without a line starting with '" + REASON + "' in their class Javadoc:\n  "
                        + String.join("\n  ", offenders));
    }

    @Test
    void aLongFileWithoutAReasonIsListedWithItsLineCount(@TempDir Path root) throws IOException {
        write(root.resolve("a/Long.java"), javaFile("Long", "Does one thing.", MAX_LINES + 1));
        write(root.resolve("a/Short.java"), javaFile("Short", "Does one thing.", MAX_LINES));

        assertEquals(List.of((MAX_LINES + 1) + " a/Long.java"), longFilesWithoutReason(root));
    }

    @Test
    void aLongFileWhoseJavadocGivesAReasonPasses(@TempDir Path root) throws IOException {
        write(root.resolve("Long.java"), javaFile("Long", REASON + " one table, read in one place.", 2 * MAX_LINES));

        assertEquals(List.of(), longFilesWithoutReason(root));
    }

    @Test
    void aReasonInsideTheClassBodyDoesNotCount(@TempDir Path root) throws IOException {
        List<String> lines = new ArrayList<>(javaFile("Long", "Does one thing.", MAX_LINES + 10));
        lines.add(lines.size() - 1, "    // " + REASON + " too late to be read first.");
        write(root.resolve("Long.java"), lines);

        assertEquals(List.of((MAX_LINES + 11) + " Long.java"), longFilesWithoutReason(root));
    }

    /** "lines path" for each file over the limit without a reason in its head, longest first. */
    static List<String> longFilesWithoutReason(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .map(file -> new SourceFile(root.relativize(file), readLines(file)))
                    .filter(source -> source.lines.size() > MAX_LINES && !source.givesReason())
                    .sorted(Comparator.comparingInt((SourceFile source) -> source.lines.size())
                            .reversed()
                            .thenComparing(source -> source.path.toString()))
                    .map(source ->
                            source.lines.size() + " " + source.path.toString().replace('\\', '/'))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record SourceFile(Path path, List<String> lines) {

        /** Whether a line of the head, up to the first top-level type, starts with the reason. */
        boolean givesReason() {
            for (String line : lines) {
                String text = line.strip();
                text = text.startsWith("//") ? text.substring(2).strip() : text;
                text = text.startsWith("*") ? text.substring(1).strip() : text;
                if (text.startsWith(REASON)) {
                    return true;
                }
                if (TOP_LEVEL_TYPE.matcher(line).matches()) {
                    return false;
                }
            }
            return false;
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A class of exactly {@code total} lines whose Javadoc says {@code javadoc}. */
    private static List<String> javaFile(String name, String javadoc, int total) {
        List<String> lines = new ArrayList<>(
                List.of("package a;", "", "/**", " * " + javadoc, " */", "public final class " + name + " {"));
        lines.addAll(Collections.nCopies(total - lines.size() - 1, "    // a line"));
        lines.add("}");
        return lines;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }
}
