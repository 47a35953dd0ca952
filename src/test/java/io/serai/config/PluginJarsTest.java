package io.serai.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginJarsTest {

    private final ClassLoader parent = getClass().getClassLoader();

    @Test
    void withoutPluginJarsSeraisOwnClassLoaderIsUsed(@TempDir Path dir) {
        assertSame(parent, PluginJars.classLoader(dir.toString(), parent));
    }

    @Test
    void everyJarInTheFolderIsOnTheClassPathInNameOrder(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("b.jar"), new byte[0]);
        Files.write(dir.resolve("a.jar"), new byte[0]);
        Files.writeString(dir.resolve("notes.txt"), "not a jar");
        URLClassLoader loader = (URLClassLoader) PluginJars.classLoader(dir.toString(), parent);
        assertEquals(2, loader.getURLs().length);
        assertTrue(loader.getURLs()[0].toString().endsWith("/a.jar"), Arrays.toString(loader.getURLs()));
        assertSame(parent, loader.getParent());
    }

    @Test
    void aNamedFolderThatDoesNotExistIsAMistake(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PluginJars.classLoader(dir.resolve("nope").toString(), parent));
        assertTrue(e.getMessage().startsWith("SERAI_PLUGINS: "), e.getMessage());
    }
}
