package io.serai.reload;

import io.serai.http.RouteIds;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/** The route ids a file may not use: one twice, Serai's own, or one another file already has. */
final class RouteIdClaims {

    private RouteIdClaims() {}

    /**
     * Why {@code path} may not use {@code id}, or null when it may. {@code earlier} holds the ids the file
     * gave before this one; {@code others} each other file's user ids.
     */
    static String refusal(
            Path path, String id, Collection<String> earlier, Map<Path, ? extends Collection<String>> others) {
        if (earlier.contains(id)) {
            return "route id " + id + " is used twice";
        }
        if (RouteIds.isAdmin(id)) {
            return "route id " + id + " is Serai's own";
        }
        for (Map.Entry<Path, ? extends Collection<String>> other : others.entrySet()) {
            if (!other.getKey().equals(path) && other.getValue().contains(id)) {
                return "route id " + id + " is already used in " + other.getKey();
            }
        }
        return null;
    }
}
