package io.serai.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where route files come from: {@code SERAI_ROUTES} names a file, a folder (every *.camel.yaml in it)
 * or a comma-separated list of them; the default is {@code routes/}.
 */
public final class RouteLocations {

    public static final String ENV = "SERAI_ROUTES";
    public static final String DEFAULT = "routes/";
    public static final String SUFFIX = ".camel.yaml";

    private final List<Path> locations;

    private RouteLocations(List<Path> locations) {
        this.locations = List.copyOf(locations);
    }

    public static RouteLocations fromEnvironment() {
        String value = System.getenv(ENV);
        return parse(value == null || value.isBlank() ? DEFAULT : value);
    }

    public static RouteLocations parse(String value) {
        List<Path> paths = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.trim()));
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(ENV + "=" + value + " names no file or folder");
        }
        return new RouteLocations(paths);
    }

    public List<Path> locations() {
        return locations;
    }

    /** Fails at start, naming the location, when a file or folder does not exist. */
    public void requireExisting() {
        requireExisting(ENV);
    }

    /** As {@link #requireExisting()}, the message naming {@code source}, where the locations came from. */
    public void requireExisting(String source) {
        for (Path p : locations) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException(
                        source + ": " + p + " does not exist (expected a *" + SUFFIX + " file or a folder of them)");
            }
        }
    }
}
