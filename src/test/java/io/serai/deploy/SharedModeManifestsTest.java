package io.serai.deploy;

import io.serai.shared.RedisSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional kustomize components for shared mode (k8s/components/redis, k8s/components/redis-external)
 * and the overlays that use them (k8s-overlays/), checked offline: what they refer to exists, the patch
 * lands on Serai's Deployment and container, its variables are the environment forms of real settings,
 * the URL names the Redis Service, and (where kubectl is installed) the overlays render.
 */
class SharedModeManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"redis", "redis-external"})
    void eachComponentPatchesSeraisDeploymentWithRealSettings(String name) throws IOException {
        Path dir = Path.of("k8s/components", name);
        Map<String, Object> component =
                documents(dir.resolve("kustomization.yaml")).get(0);
        assertEquals("Component", component.get("kind"));
        assertEquals("kustomize.config.k8s.io/v1alpha1", component.get("apiVersion"));
        for (Object resource : list(component, "resources")) {
            assertTrue(Files.exists(dir.resolve(resource.toString())), resource + " exists");
        }
        Map<String, Object> base = documents(Path.of("k8s/deployment.yaml")).get(0);
        String application = Files.readString(Path.of("src/main/resources/application.properties"));
        for (Object p : list(component, "patches")) {
            Map<String, Object> patchRef = cast(p);
            Map<String, Object> target = map(patchRef, "target");
            assertEquals("Deployment", target.get("kind"));
            assertEquals(map(base, "metadata").get("name"), target.get("name"));
            Map<String, Object> patch =
                    documents(dir.resolve(patchRef.get("path").toString())).get(0);
            Map<String, Object> container = cast(list(map(map(map(patch, "spec"), "template"), "spec"), "containers")
                    .get(0));
            assertEquals(containerName(base), container.get("name"), "the patch names Serai's container");
            for (Object e : list(container, "env")) {
                Map<String, Object> env = cast(e);
                String variable = env.get("name").toString();
                assertTrue(
                        application.contains("\n" + setting(variable, application) + "="),
                        variable + " is the environment form of a setting in application.properties");
                if (variable.equals("SERAI_REDIS_FALLBACK_REPLICAS")) {
                    assertEquals(
                            String.valueOf(map(base, "spec").get("replicas")),
                            env.get("value"),
                            "the fallback divides by the Deployment's replica count");
                }
            }
        }
    }

    @Test
    void theOwnRedisIsReachableUnderTheUrlSeraiIsGivenAndHardened() throws IOException {
        List<Map<String, Object>> docs = documents(Path.of("k8s/components/redis/redis.yaml"));
        Map<String, Object> deployment = docs.stream()
                .filter(d -> "Deployment".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> service = docs.stream()
                .filter(d -> "Service".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> labels = map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels");
        assertEquals(map(map(deployment, "spec"), "selector").get("matchLabels"), labels);
        assertEquals(map(service, "spec").get("selector"), labels, "the Service selects the Redis pods");
        Map<String, Object> patch =
                documents(Path.of("k8s/components/redis/serai-redis-env.yaml")).get(0);
        Map<String, Object> container = cast(list(map(map(map(patch, "spec"), "template"), "spec"), "containers")
                .get(0));
        String url = list(container, "env").stream()
                .map(SharedModeManifestsTest::cast)
                .filter(e -> e.get("name").equals("SERAI_REDIS_URL"))
                .map(e -> e.get("value").toString())
                .findFirst()
                .orElseThrow();
        URI uri = URI.create(url);
        assertEquals(map(service, "metadata").get("name"), uri.getHost());
        Map<String, Object> port = cast(list(map(service, "spec"), "ports").get(0));
        assertEquals(port.get("port"), uri.getPort());
        assertNotNull(RedisSettings.from(key -> key.equals(RedisSettings.URL) ? url : null), "Serai accepts " + url);
        Map<String, Object> podSpec = map(map(map(deployment, "spec"), "template"), "spec");
        assertEquals(Boolean.TRUE, map(podSpec, "securityContext").get("runAsNonRoot"));
        Map<String, Object> redis = cast(list(podSpec, "containers").get(0));
        assertEquals(Boolean.TRUE, map(redis, "securityContext").get("readOnlyRootFilesystem"));
        assertNotNull(map(map(redis, "resources"), "limits").get("memory"));
        assertTrue(list(redis, "args").contains("--maxmemory"), "memory capped inside Redis too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "redis-external"})
    void eachOverlayIsTheBasePlusItsComponentAndRendersWhereKubectlIsInstalled(String name) throws Exception {
        Path dir = Path.of("k8s-overlays", name);
        Map<String, Object> overlay =
                documents(dir.resolve("kustomization.yaml")).get(0);
        assertEquals(List.of("../../k8s"), overlay.get("resources"));
        assertEquals(List.of("../../k8s/components/" + name), overlay.get("components"));
        assertTrue(Files.isDirectory(dir.resolve("../../k8s/components/" + name)));
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (Files.isExecutable(kubectl)) {
            Process render = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(render.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, render.exitValue(), out);
            assertTrue(out.contains("name: SERAI_REDIS_URL"), out);
            assertTrue(out.contains("name: SERAI_ADMIN_TOKEN"), "the base's variables are kept");
        }
    }

    /** The setting a Camel-style environment variable stands for, as written in application.properties. */
    private static String setting(String variable, String application) {
        for (String line : application.split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                String key = line.substring(0, eq);
                if (key.toUpperCase(Locale.ROOT)
                        .replace('.', '_')
                        .replace('-', '_')
                        .equals(variable)) {
                    return key;
                }
            }
        }
        return variable;
    }

    private static String containerName(Map<String, Object> deployment) {
        return cast(list(map(map(map(deployment, "spec"), "template"), "spec"), "containers")
                        .get(0))
                .get("name")
                .toString();
    }

    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
            if (doc != null) {
                docs.add(cast(doc));
            }
        }
        assertFalse(docs.isEmpty(), file + " is empty");
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object o = parent.get(key);
        assertNotNull(o, key);
        return cast(o);
    }

    private static List<?> list(Map<String, Object> parent, String key) {
        Object o = parent.get(key);
        return o == null ? List.of() : (List<?>) o;
    }
}
