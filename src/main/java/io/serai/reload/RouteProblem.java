package io.serai.reload;

import java.nio.file.Path;

/**
 * One reason a route file would be refused, as {@code --check} prints it: {@code file:line: route id: message},
 * the form compilers and {@code nginx -t} use, so editors and CI logs link it to the line. The message is
 * the one a start or a reload gives.
 *
 * @param line 1-based, or 0 when nobody said which line
 * @param routeId the user's route id, or null when the problem is the file's (its YAML, a bean) and no route's
 */
public record RouteProblem(Path file, int line, String routeId, String message) {

    /** A route file that did not parse or whose beans were refused. */
    static RouteProblem of(RouteFileException e, String routeId) {
        return new RouteProblem(e.file(), e.line(), routeId, e.reason());
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (routeId == null ? "" : routeId + ": ") + message;
    }
}
