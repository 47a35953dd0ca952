package io.serai.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A watched file counts as changed once the change has held still for one look, and only once. */
class FileChangesTest {

    @TempDir
    Path dir;

    @Test
    void aChangeIsReadOnlyAfterItHeldStillForOneLook() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "alice:one\n");
        FileChanges changes = new FileChanges(List.of(file));
        assertFalse(changes.settledChange(), "nothing changed");

        Files.writeString(file, "");
        assertFalse(changes.settledChange(), "just changed: the writer may not be done");
        Files.writeString(file, "alice:one\nbob:two\n");
        assertFalse(changes.settledChange(), "changed again since the last look");
        assertTrue(changes.settledChange(), "held still for one look: read it now");
        assertFalse(changes.settledChange(), "read once, not again while it stays");
    }

    @Test
    void aFileThatIsRemovedAndComesBackIsAChangeToo() throws Exception {
        Path file = Files.writeString(dir.resolve("cert.pem"), "first");
        FileChanges changes = new FileChanges(List.of(file));
        Files.delete(file);
        assertFalse(changes.settledChange());
        assertTrue(changes.settledChange(), "gone, and still gone: the caller reads it and reports it missing");
        Files.writeString(file, "second, longer");
        assertFalse(changes.settledChange());
        assertTrue(changes.settledChange());
    }
}
