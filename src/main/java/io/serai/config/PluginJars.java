package io.serai.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The user's own jars: every {@code *.jar} in the folder named by {@code SERAI_PLUGINS} (default
 * {@code plugins/}) goes on a class loader above Serai's, so routes can use the beans, load balancers,
 * aggregation strategies and components they contain, by class or bean name, without a fork.
 */
public final class PluginJars {

    public static final String ENV = "SERAI_PLUGINS";
    public static final String DEFAULT = "plugins/";

    private static final Logger LOG = LoggerFactory.getLogger(PluginJars.class);

    private PluginJars() {}

    public static ClassLoader fromEnvironment(ClassLoader parent) {
        return classLoader(System.getenv(ENV), parent);
    }

    /**
     * A class loader over the plugin jars, or {@code parent} when there are none. The default folder
     * may be missing; a folder the user named must exist.
     */
    public static ClassLoader classLoader(String folder, ClassLoader parent) {
        boolean named = folder != null && !folder.isBlank();
        Path dir = Path.of(named ? folder.trim() : DEFAULT);
        if (!Files.isDirectory(dir)) {
            if (named) {
                throw new IllegalArgumentException(
                        ENV + ": " + dir + " is not a folder (expected a folder of plugin jars)");
            }
            return parent;
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList()) {
                jars.add(jar.toUri().toURL());
                LOG.info("Plugin jar {}", jar);
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + ENV + " folder " + dir, e);
        }
        return jars.isEmpty() ? parent : new URLClassLoader("serai-plugins", jars.toArray(URL[]::new), parent);
    }
}
