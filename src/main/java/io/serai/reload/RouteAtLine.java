package io.serai.reload;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which route (or bean) a line of a route file belongs to, for a problem reported by line only: a YAML
 * syntax error or a refused bean comes from the parser with a line and no route. Reads the text, not the
 * YAML (which may not parse): a top-level item starts with {@code - } in the first column.
 */
final class RouteAtLine {

    private static final Pattern ITEM = Pattern.compile("^- *(\\w+) *:");
    private static final Pattern ID = Pattern.compile("^ +id *: *[\"']?([^\"'#\\s]+)");
    private static final Pattern NAME = Pattern.compile("^ *- *name *: *[\"']?([^\"'#\\s]+)");

    private RouteAtLine() {}

    /**
     * The line of bean {@code name}'s {@code property} (its {@code name:} line when the property is null or
     * not found), or 0 when the file names no such bean.
     */
    static int beanLine(RouteFiles.RouteFile file, String name, String property) {
        String[] lines = lines(file);
        for (int i = 0; i < lines.length; i++) {
            Matcher bean = NAME.matcher(lines[i]);
            if (bean.find() && bean.group(1).equals(name)) {
                Pattern key = property == null ? null : Pattern.compile("^ *" + Pattern.quote(property) + " *:");
                for (int j = i + 1; key != null && j < lines.length; j++) {
                    if (NAME.matcher(lines[j]).find() || ITEM.matcher(lines[j]).find()) {
                        break;
                    }
                    if (key.matcher(lines[j]).find()) {
                        return j + 1;
                    }
                }
                return i + 1;
            }
        }
        return 0;
    }

    private static String[] lines(RouteFiles.RouteFile file) {
        return new String(file.content(), StandardCharsets.UTF_8).split("\r?\n", -1);
    }

    /**
     * The id of the route whose item holds {@code line} (the id Serai gives it when it has none),
     * {@code bean NAME} for a line in a {@code beans} item, or null when neither is known.
     */
    static String idAt(RouteFiles.RouteFile file, int line) {
        if (line <= 0) {
            return null;
        }
        String[] lines = lines(file);
        int start = -1;
        String kind = null;
        int routes = 0;
        for (int i = 0; i < Math.min(line, lines.length); i++) {
            Matcher item = ITEM.matcher(lines[i]);
            if (item.find()) {
                start = i;
                kind = item.group(1);
                if (kind.equals("route")) {
                    routes++;
                }
            }
        }
        if ("route".equals(kind)) {
            int indent = -1;
            for (int i = start + 1; i < lines.length && !ITEM.matcher(lines[i]).find(); i++) {
                String text = lines[i];
                if (text.isBlank() || text.strip().startsWith("#")) {
                    continue;
                }
                int at = text.length() - text.stripLeading().length();
                indent = indent < 0 ? at : indent;
                Matcher id = ID.matcher(text);
                // The route's own id, not a step's: at the indentation of the route's first key.
                if (at == indent && id.find()) {
                    return id.group(1);
                }
            }
            return RouteFileLoader.routeIdFor(file, routes - 1);
        }
        if ("beans".equals(kind)) {
            for (int i = Math.min(line, lines.length) - 1; i > start; i--) {
                Matcher name = NAME.matcher(lines[i]);
                if (name.find()) {
                    return "bean " + name.group(1);
                }
            }
        }
        return null;
    }
}
