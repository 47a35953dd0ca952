package io.serai.reload;

import io.serai.config.RouteLocations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The route files under the configured locations and their contents, read as one snapshot. Files are
 * read through symbolic links, so a Kubernetes ConfigMap volume (files linked through {@code ..data},
 * which is swapped atomically) is seen as its current version; folders are not searched recursively,
 * so ConfigMap's hidden {@code ..timestamp} folders are never loaded twice.
 */
public final class RouteFiles {

    private final RouteLocations locations;

    public RouteFiles(RouteLocations locations) {
        this.locations = locations;
    }

    /** Every route file now, path to content; a file that vanished while being read is left out. */
    public Map<Path, RouteFile> snapshot() {
        Map<Path, RouteFile> files = new TreeMap<>();
        for (Path location : locations.locations()) {
            if (Files.isDirectory(location)) {
                try (Stream<Path> entries = Files.list(location)) {
                    entries.filter(p -> p.getFileName().toString().endsWith(RouteLocations.SUFFIX))
                            .filter(Files::isRegularFile)
                            .forEach(p -> read(p).ifPresent(f -> files.put(p, f)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list route folder " + location, e);
                }
            } else {
                read(location).ifPresent(f -> files.put(location, f));
            }
        }
        return files;
    }

    private static java.util.Optional<RouteFile> read(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            return java.util.Optional.of(new RouteFile(file, content, sha256(content)));
        } catch (IOException vanished) {
            return java.util.Optional.empty();
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One route file's content and its digest, which tells whether it changed. */
    public record RouteFile(Path path, byte[] content, String digest) {}
}
