package io.serai.deploy;

import io.serai.support.RunningSerai;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipping files checked offline: every Kubernetes manifest parses and has what a hardened
 * deployment needs, the ConfigMap's route files are routes Serai starts, the Dockerfile keeps its
 * promises, and every GitHub Action is pinned to a commit.
 */
@Timeout(60)
class ShippingFilesTest {

    @Test
    void everyManifestParsesAndKustomizationListsTheDeployment() throws IOException {
        List<String> kinds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (Map<String, Object> doc : documents(file)) {
                    assertNotNull(doc.get("apiVersion"), file + ": apiVersion");
                    assertNotNull(doc.get("kind"), file + ": kind");
                    kinds.add(String.valueOf(doc.get("kind")));
                }
            }
        }
        assertTrue(
                kinds.containsAll(List.of(
                        "Deployment",
                        "Service",
                        "ConfigMap",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget",
                        "Kustomization")),
                kinds.toString());
        Map<String, Object> kustomization =
                documents(Path.of("k8s/kustomization.yaml")).get(0);
        List<?> resources = (List<?>) kustomization.get("resources");
        assertEquals(List.of("configmap.yaml", "deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"), resources);
        for (Object r : resources) {
            assertTrue(Files.exists(Path.of("k8s").resolve(r.toString())), r + " exists");
        }
    }

    @Test
    void theDeploymentIsHardenedProbedAndMountsTheRoutes() throws IOException {
        Map<String, Object> deployment =
                documents(Path.of("k8s/deployment.yaml")).get(0);
        Map<String, Object> spec = map(deployment, "spec");
        assertEquals(2, spec.get("replicas"));
        Map<String, Object> pod = map(map(spec, "template"), "spec");
        assertEquals(Boolean.TRUE, map(pod, "securityContext").get("runAsNonRoot"));
        Map<String, Object> container = map((List<?>) pod.get("containers"), 0);
        Map<String, Object> resources = map(container, "resources");
        for (String side : List.of("requests", "limits")) {
            assertNotNull(map(resources, side).get("cpu"), side + " cpu");
            assertNotNull(map(resources, side).get("memory"), side + " memory");
        }
        assertEquals(
                "/health/live", map(map(container, "livenessProbe"), "httpGet").get("path"));
        assertEquals(
                "/health/ready",
                map(map(container, "readinessProbe"), "httpGet").get("path"));
        assertEquals("admin", map(map(container, "readinessProbe"), "httpGet").get("port"));
        int preStop = (Integer)
                map(map(map(container, "lifecycle"), "preStop"), "sleep").get("seconds");
        int shutdown = Integer.parseInt(shippedSetting("serai.shutdown.timeout").replace("s", ""));
        assertTrue(
                preStop + shutdown < (Integer) pod.get("terminationGracePeriodSeconds"),
                "the kubelet's SIGKILL comes after the preStop delay and Serai's own shutdown bound");
        assertTrue(((List<?>) container.get("ports"))
                .stream()
                        .map(p -> (Map<?, ?>) p)
                        .anyMatch(p -> "admin".equals(p.get("name"))
                                && Integer.valueOf(9090).equals(p.get("containerPort"))));
        Map<String, Object> security = map(container, "securityContext");
        assertEquals(Boolean.TRUE, security.get("readOnlyRootFilesystem"));
        assertEquals(Boolean.FALSE, security.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), map(security, "capabilities").get("drop"));
        assertTrue(((List<?>) container.get("volumeMounts"))
                .stream().map(m -> (Map<?, ?>) m).anyMatch(m -> "/etc/serai/routes".equals(m.get("mountPath"))));
        assertTrue(((List<?>) pod.get("volumes"))
                .stream()
                        .map(v -> (Map<?, ?>) v)
                        .anyMatch(v ->
                                v.get("configMap") instanceof Map<?, ?> cm && "serai-routes".equals(cm.get("name"))));
        assertEquals(
                "true",
                map(map(map(spec, "template"), "metadata"), "annotations").get("prometheus.io/scrape"));
        Map<String, Object> hpa = documents(Path.of("k8s/hpa.yaml")).get(0);
        assertEquals("serai", map(map(hpa, "spec"), "scaleTargetRef").get("name"));
    }

    private static String shippedSetting(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        throw new AssertionError(key + " is not in application.properties");
    }

    @Test
    void thePodsTakeTheAdminTokenFromARequiredSecretThatTheDocsSayHowToCreate() throws IOException {
        Map<String, Object> deployment =
                documents(Path.of("k8s/deployment.yaml")).get(0);
        Map<String, Object> container = map(
                (List<?>) map(map(map(deployment, "spec"), "template"), "spec").get("containers"), 0);
        Map<String, Object> env = new java.util.HashMap<>();
        for (Object e : (List<?>) container.get("env")) {
            Map<?, ?> entry = (Map<?, ?>) e;
            env.put(String.valueOf(entry.get("name")), entry);
        }
        assertEquals(
                "0.0.0.0", ((Map<?, ?>) env.get("SERAI_ADMIN_HOST")).get("value"), "probes reach the pod's address");
        @SuppressWarnings("unchecked")
        Map<String, Object> token = (Map<String, Object>) env.get("SERAI_ADMIN_TOKEN");
        assertNotNull(token, "SERAI_ADMIN_TOKEN is set");
        Map<String, Object> secret = map(map(token, "valueFrom"), "secretKeyRef");
        assertEquals("serai-admin", secret.get("name"));
        assertEquals("token", secret.get("key"));
        assertEquals(Boolean.FALSE, secret.get("optional"), "a pod without the Secret does not start");
        String create = "kubectl create secret generic serai-admin --from-literal=token=";
        assertTrue(Files.readString(Path.of("k8s/kustomization.yaml")).contains(create), "kustomization.yaml says how");
        assertTrue(Files.readString(Path.of("README.md")).contains(create), "the README says how");
        assertEquals(
                "/metrics",
                map(map(map(map(deployment, "spec"), "template"), "metadata"), "annotations")
                        .get("prometheus.io/path"),
                "annotation scraping of the open /metrics");
    }

    @Test
    void theContainerIsRunAndSmokeTestedWithAnAdminTokenAndTheAdminPortOnTheHostsLoopback() throws IOException {
        String run = "-p 127.0.0.1:9090:9090 -e SERAI_ADMIN_TOKEN=";
        assertTrue(Files.readString(Path.of("Dockerfile")).contains(run), "the Dockerfile's docker run line");
        assertTrue(Files.readString(Path.of("README.md")).contains(run), "the README's docker run line");
        String ci = Files.readString(Path.of(".github/workflows/ci.yml"));
        assertTrue(ci.contains("-e SERAI_ADMIN_TOKEN=\"$token\""), "CI runs the image with a token");
        assertTrue(ci.contains("http://127.0.0.1:9090/routes)\" = 401"), "CI checks that /routes needs it");
        assertTrue(ci.contains("http://127.0.0.1:9091/routes)\" = 403"), "CI checks /routes without a token");
        String verify = Files.readString(Path.of("docker/verify.sh"));
        assertTrue(
                verify.contains("SERAI_ADMIN_HOST=0.0.0.0") && verify.contains("SERAI_ADMIN_TOKEN=\"$token\""),
                "verify.sh runs the layout with the image's admin settings");
        assertTrue(
                Files.readString(Path.of("scripts/check-status-page.sh")).contains("SERAI_ADMIN_TOKEN="),
                "the status page is checked behind the token");
    }

    @Test
    void theConfigMapsRouteFilesAreRoutesSeraiStarts(@TempDir Path dir) throws Exception {
        Map<String, Object> configMap = documents(Path.of("k8s/configmap.yaml")).get(0);
        Map<String, Object> data = map(configMap, "data");
        assertFalse(data.isEmpty());
        for (Map.Entry<String, Object> file : data.entrySet()) {
            assertTrue(file.getKey().endsWith(".camel.yaml"), file.getKey());
            try (RunningSerai serai =
                    RunningSerai.routes(file.getValue().toString()).start(dir)) {
                assertFalse(serai.context().getRoutes().isEmpty(), file.getKey() + " has routes");
            }
        }
    }

    @Test
    void theDockerfileRunsTheJlinkRuntimeAsNonRootWithTheRoutesFolder() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jdk AS build"));
        assertTrue(dockerfile.contains("jlink --add-modules \"$(cat docker/modules)\""));
        assertTrue(dockerfile.contains("USER 65532:65532"));
        assertTrue(dockerfile.contains("EXPOSE 8080 9090"));
        assertTrue(dockerfile.contains("HEALTHCHECK"));
        assertTrue(dockerfile.contains("SERAI_ROUTES=/etc/serai/routes"));
        assertTrue(
                Files.readString(Path.of("docker/jvm.options")).contains("-XX:MaxRAMPercentage="),
                "heap follows the container's memory limit");
        String verify = Files.readString(Path.of("docker/verify.sh"));
        assertTrue(
                verify.contains("jlink --add-modules \"$(cat docker/modules)\" --strip-debug --no-man-pages"
                        + " --no-header-files --compress=2"),
                "verify.sh builds the same runtime as the Dockerfile");
    }

    @Test
    void everyGithubActionIsPinnedToACommit() throws IOException {
        Pattern uses = Pattern.compile("uses:\\s*(\\S+)");
        int count = 0;
        try (Stream<Path> files = Files.list(Path.of(".github/workflows"))) {
            for (Path file : files.toList()) {
                documents(file);
                Matcher m = uses.matcher(Files.readString(file));
                while (m.find()) {
                    count++;
                    assertTrue(m.group(1).matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}"), file + ": " + m.group(1));
                }
            }
        }
        assertTrue(count >= 3);
        String ci = Files.readString(Path.of(".github/workflows/ci.yml"));
        assertTrue(ci.contains("push:") && ci.contains("pull_request:"));
        assertTrue(ci.contains("docker build") && ci.contains("docker/verify.sh") && ci.contains("./mvnw -B verify"));
        assertTrue(Files.readString(Path.of(".github/workflows/bench.yml")).contains("workflow_dispatch"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        assertFalse(docs.isEmpty(), file + " is empty");
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof Map, key + " is a mapping");
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(List<?> list, int index) {
        return (Map<String, Object>) list.get(index);
    }
}
