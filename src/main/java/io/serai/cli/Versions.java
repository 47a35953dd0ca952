package io.serai.cli;

import org.apache.camel.CamelContext;

/** {@code --version}: Serai's version, Camel's and Java's, read from the jars' manifests and the JVM. */
public final class Versions {

    private Versions() {}

    public static String text() {
        Runtime.Version java = Runtime.version();
        return "serai " + version(Versions.class) + "\n"
                + "camel " + version(CamelContext.class) + "\n"
                + "java " + java + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")\n";
    }

    /** The Implementation-Version of the jar {@code type} came from; "unknown" outside a packaged jar. */
    static String version(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
