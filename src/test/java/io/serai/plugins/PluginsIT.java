package io.serai.plugins;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's own jar in SERAI_PLUGINS is used from YAML routes, without touching Serai's build. */
class PluginsIT {

    private static final String PROCESSOR = """
            package com.example.plugin;
            public class TagProcessor implements org.apache.camel.Processor {
                public void process(org.apache.camel.Exchange exchange) {
                    exchange.getMessage().setHeader("X-Plugin", "hello from a plugin");
                }
            }
            """;

    private static final String LOAD_BALANCER = """
            package com.example.plugin;
            public class LastMemberLoadBalancer extends org.apache.camel.processor.loadbalancer.QueueLoadBalancer {
                protected org.apache.camel.AsyncProcessor chooseProcessor(org.apache.camel.AsyncProcessor[] members,
                        org.apache.camel.Exchange exchange) {
                    return members[members.length - 1];
                }
            }
            """;

    private static final String ROUTES = """
            - beans:
                - name: lastMember
                  type: com.example.plugin.LastMemberLoadBalancer
            - route:
                id: plugged
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: lastMember
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
                          - to: "netty-http:http://{{backend.2}}"
                    - process:
                        ref: "#class:com.example.plugin.TagProcessor"
            """;

    @Test
    void aProcessorAndALoadBalancerFromAPluginJarAreUsedByARoute(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectory(tmp.resolve("plugins"));
        buildPluginJar(tmp.resolve("src"), plugins.resolve("example-plugin.jar"));
        Path routes = Files.writeString(tmp.resolve("plugged.camel.yaml"), ROUTES);
        int port = RunningSerai.freePort();
        try (TestBackend one = TestBackend.start("one");
                TestBackend two = TestBackend.start("two");
                SeraiProcess serai = SeraiProcess.builder()
                        .env("SERAI_PLUGINS", plugins.toString())
                        .env("SERAI_ROUTES", routes.toString())
                        .property("serai.port", port)
                        .property("backend.1", one.hostPort())
                        .property("backend.2", two.hostPort())
                        .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
            for (int i = 0; i < 3; i++) {
                RawResponse r = RawHttp.exchange(port, "GET /p" + i + " HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, r.status());
                assertEquals("two", r.header("X-Backend"), "the plugin's balancer always picks the last member");
                assertEquals("hello from a plugin", r.header("X-Plugin"));
            }
            assertTrue(serai.output().contains("Plugin jar " + plugins.resolve("example-plugin.jar")), serai.output());
        }
    }

    @Test
    void aPluginsFolderThatDoesNotExistStopsStartWithOneLine(@TempDir Path tmp) throws Exception {
        try (SeraiProcess serai =
                SeraiProcess.builder().env("SERAI_PLUGINS", "no/such/plugins").start(tmp)) {
            assertEquals(2, serai.awaitExit(Duration.ofSeconds(20)));
            assertTrue(
                    serai.output().contains("serai: SERAI_PLUGINS: no/such/plugins is not a folder"), serai.output());
        }
    }

    /** Compiles the plugin against Serai's own class path (Camel's API) and jars it, as a user would. */
    private static void buildPluginJar(Path src, Path jar) throws Exception {
        Path pkg = Files.createDirectories(src.resolve("com/example/plugin"));
        Files.writeString(pkg.resolve("TagProcessor.java"), PROCESSOR);
        Files.writeString(pkg.resolve("LastMemberLoadBalancer.java"), LOAD_BALANCER);
        Path classes = Files.createDirectories(src.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                pkg.resolve("TagProcessor.java").toString(),
                pkg.resolve("LastMemberLoadBalancer.java").toString());
        assertEquals(0, rc, "plugin did not compile");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jarOut.putNextEntry(
                        new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jarOut.write(Files.readAllBytes(f));
                jarOut.closeEntry();
            }
        }
    }
}
