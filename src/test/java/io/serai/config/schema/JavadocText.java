package io.serai.config.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The javadoc of a class or setter, read from its source in {@code src/main/java}: reflection does not
 * see javadoc, and a doclet would need a second build step for a few sentences.
 */
final class JavadocText {

    private static final Path SOURCES = Path.of("src/main/java");

    private JavadocText() {}

    /** The class's own javadoc, or "". */
    static String ofClass(Class<?> type) {
        return before(type, "(public |final |abstract )*(class|record|interface) " + type.getSimpleName() + "\\b");
    }

    /** The javadoc just above {@code public void <setter>(}, or "". */
    static String ofSetter(Class<?> declaring, String setter) {
        return before(declaring, "public \\w+ " + setter + "\\(");
    }

    private static String before(Class<?> type, String declaration) {
        String source = source(type);
        Matcher found = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(@\\w+\\s*)*" + declaration, Pattern.DOTALL)
                .matcher(source);
        String text = "";
        while (found.find()) {
            text = found.group(1); // the last comment before the declaration is the one attached to it
            Matcher inner =
                    Pattern.compile("/\\*\\*((?:(?!\\*/).)*)$", Pattern.DOTALL).matcher(text);
            if (inner.find()) {
                text = inner.group(1);
            }
        }
        return plain(text);
    }

    static String plain(String javadoc) {
        String text = javadoc.replaceAll("(?m)^\\s*\\*\\s?", " ")
                .replaceAll("</?(?:p|ul|ol|li|em|b|i|code|pre|br)\\s*/?>", " ");
        text = inlineTags(text).replaceAll("\\s+", " ").trim();
        int why = text.indexOf("Long because:"); // a note for Serai's maintainers (SourceSizeTest), not users
        return why < 0 ? text : text.substring(0, why).trim();
    }

    /** {@code {@code x}} and {@code {@link x}} as x, counting braces, since x may hold {{placeholders}}. */
    private static String inlineTags(String text) {
        StringBuilder out = new StringBuilder();
        Matcher tag =
                Pattern.compile("\\{@(?:code|link|linkplain|literal|value) ").matcher(text);
        int at = 0;
        while (tag.find(at)) {
            out.append(text, at, tag.start());
            int depth = 1;
            int i = tag.end();
            while (i < text.length() && depth > 0) {
                char c = text.charAt(i);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (depth > 0) {
                    out.append(c);
                }
                i++;
            }
            at = i;
        }
        return out.append(text.substring(Math.min(at, text.length()))).toString();
    }

    private static String source(Class<?> type) {
        Path file = SOURCES.resolve(type.getName().replace('.', '/') + ".java");
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
