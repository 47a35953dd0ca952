package io.serai.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteLocationsTest {

    @Test
    void aCommaSeparatedListNamesFilesAndFolders(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("routes"));
        Path file = Files.writeString(dir.resolve("one.camel.yaml"), "[]");
        RouteLocations locations = RouteLocations.parse(folder + " , " + file);
        assertEquals(java.util.List.of(folder, file), locations.locations());
    }

    @Test
    void aMissingLocationFailsAtStartNamingIt(@TempDir Path dir) {
        RouteLocations locations = RouteLocations.parse(dir.resolve("nope").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, locations::requireExisting);
        assertTrue(e.getMessage().contains("SERAI_ROUTES: " + dir.resolve("nope")), e.getMessage());
    }
}
