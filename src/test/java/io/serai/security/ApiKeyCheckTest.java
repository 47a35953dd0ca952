package io.serai.security;

import io.serai.support.LogCapture;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys in a header, in the query and in a file, right and wrong, as a client and the backend see them. */
@Timeout(60)
class ApiKeyCheckTest {

    private static final String ROUTES = """
            - beans:
                - name: headerKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "{{api-keys.secret}}"
                    identityHeader: X-Api-Key-Name
                - name: queryKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    query: api_key
                    keys: "qkey-7c1d0e5a"
                - name: forwardingKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "fwd-3b9f2a44"
                    forwardCredentials: true
                - name: fileKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    header: X-Token
                    query: token
                    keysFile: "{{keys.file}}"
                    reloadInterval: 100ms
            - route:
                id: by-header
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/h?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: headerKeys}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: by-query
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/q?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: queryKeys}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: forwarding
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/f?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: forwardingKeys}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: by-file
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/file?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: fileKeys}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    private static final String ALICE = "alice-5f0c2b7e91d4";
    private static final String BOB = "bob-a81e66c0d3f2";

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static Path keysFile;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("keyed");
        keysFile = Files.writeString(dir.resolve("keys.txt"), """
                # partners
                carol:carol-0d9e8f7a6b5c

                plain-11aa22bb33cc
                """);
        log = dir.resolve("access.log");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("api-keys.secret", "alice:" + ALICE + ", bob:" + BOB)
                .property("keys.file", keysFile)
                .property("serai.access-log", log)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void theRightKeyReachesTheBackendWithItsNameAndWithoutTheKey() throws IOException {
        RawResponse r = get("/h/orders", "X-Api-Key: " + ALICE + "\r\nX-Api-Key-Name: root\r\n");
        assertEquals(200, r.status());
        RecordedRequest seen = backend.lastRequest();
        assertNull(seen.header("X-Api-Key"), "the key is not forwarded");
        assertEquals("alice", seen.header("X-Api-Key-Name"), "the client's own X-Api-Key-Name is replaced");
        assertEquals(
                1,
                seen.headers().stream()
                        .filter(h -> h.getKey().equalsIgnoreCase("X-Api-Key-Name"))
                        .count());
        assertEquals(200, get("/h/orders", "x-api-key: " + BOB + "\r\n").status());
        assertEquals("bob", backend.lastRequest().header("X-Api-Key-Name"));
    }

    @Test
    void aClientsIdentityHeaderSpelledWithUnderscoresOrAnotherCaseNeverReachesTheBackend() throws IOException {
        RawResponse r =
                get("/h/orders", "X-Api-Key: " + ALICE + "\r\nX_Api_Key_Name: root\r\nx_API_key-NAME: root\r\n");
        assertEquals(200, r.status());
        RecordedRequest seen = backend.lastRequest();
        assertEquals(
                List.of("X-Api-Key-Name: alice"),
                folded(seen, "x-api-key-name"),
                "only Serai's own field, under any folding of its name: " + seen.headers());
    }

    /** The fields of {@code seen} whose name folds (case, '_' as '-') to {@code folded}, as "Name: value". */
    static List<String> folded(RecordedRequest seen, String folded) {
        return seen.headers().stream()
                .filter(h ->
                        h.getKey().toLowerCase(Locale.ROOT).replace('_', '-').equals(folded))
                .map(h -> h.getKey() + ": " + h.getValue())
                .toList();
    }

    @Test
    void aMissingKeyGets401WithAChallengeNamingTheHeader() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get("/h/orders", "X-Api-Key-Name: alice\r\n");
        assertEquals(401, r.status());
        assertEquals("ApiKey header=\"X-Api-Key\"", r.header("WWW-Authenticate"));
        assertEquals("401 Unauthorized: API key missing\n", r.bodyText());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aWrongKeyGets401AndTheBackendNothing() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get("/h/orders", "X-Api-Key: " + ALICE + "x\r\n");
        assertEquals(401, r.status());
        assertEquals("401 Unauthorized: API key not valid\n", r.bodyText());
        assertFalse(r.bodyText().contains(ALICE));
        assertEquals(
                401,
                get("/h/orders", "X-Api-Key: " + ALICE.substring(0, 8) + "\r\n").status());
        assertEquals(401, get("/h/orders", "X-Api-Key: alice\r\n").status(), "a name is not a key");
        assertEquals(
                401,
                get("/h/orders", "X-Api-Key: " + ALICE + "\r\nX-Api-Key: " + BOB + "\r\n")
                        .status(),
                "two keys are one too many");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aKeyInTheQueryIsTakenOutOfTheQueryTheBackendGetsAndTheRestStaysByteExact() throws IOException {
        assertEquals(
                200, get("/q/items?b=%20x&api_key=qkey-7c1d0e5a&c=1+2&&d", "").status());
        assertEquals("/items?b=%20x&c=1+2&&d", backend.lastRequest().target());
        assertEquals(200, get("/q/items?api_key=qkey-7c1d0e5a", "").status());
        assertEquals("/items", backend.lastRequest().target());
        assertEquals(200, get("/q/items?api%5Fkey=qkey%2D7c1d0e5a&x=1", "").status(), "escaped name and value");
        assertEquals("/items?x=1", backend.lastRequest().target());
    }

    @Test
    void aWrongOrMissingQueryKeyGets401NamingTheParameter() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get("/q/items?api_key=nope", "");
        assertEquals(401, r.status());
        assertEquals("ApiKey query=\"api_key\"", r.header("WWW-Authenticate"));
        assertEquals(401, get("/q/items", "X-Api-Key: qkey-7c1d0e5a\r\n").status(), "only the query is read here");
        assertEquals(
                401, get("/q/items?api_key=qkey-7c1d0e5a&api_key=other", "").status());
        assertEquals(before, backend.requests().size());
    }

    @Test
    void forwardCredentialsLeavesTheKeyForTheBackend() throws IOException {
        assertEquals(200, get("/f/x", "X-Api-Key: fwd-3b9f2a44\r\n").status());
        assertEquals("fwd-3b9f2a44", backend.lastRequest().header("X-Api-Key"));
    }

    @Test
    void keysFromAFileInEitherPlaceAndTheFileIsReadAgainWhenItChanges() throws Exception {
        assertEquals(200, get("/file/x", "X-Token: carol-0d9e8f7a6b5c\r\n").status());
        assertNull(backend.lastRequest().header("X-Token"));
        assertEquals(200, get("/file/x?token=plain-11aa22bb33cc&y=2", "").status());
        assertEquals("/x?y=2", backend.lastRequest().target());
        RawResponse r = get("/file/x", "");
        assertEquals("ApiKey header=\"X-Token\", query=\"token\"", r.header("WWW-Authenticate"));
        assertEquals(
                401,
                get("/file/x", "X-Token: carol-0d9e8f7a6b5c\r\n", "token=plain-11aa22bb33cc")
                        .status(),
                "one key, not one in each place");

        Files.writeString(keysFile, "dave:dave-77e1c3a9f0b2\n");
        Waits.forStatus(200, Waits.PROMPTLY, () -> get("/file/x", "X-Token: dave-77e1c3a9f0b2\r\n"));
        assertEquals(401, get("/file/x", "X-Token: carol-0d9e8f7a6b5c\r\n").status(), "a removed key stops working");

        try (LogCapture logged = LogCapture.start()) {
            Files.writeString(keysFile, "dave:dave-77e1c3a9f0b2\nbad name:erin-123\n");
            // Ordered, not paused for: the broken version was read and refused, and the previous one stays.
            logged.await("Not reloaded, the previous version stays", Waits.PROMPTLY);
        }
        assertEquals(200, get("/file/x", "X-Token: dave-77e1c3a9f0b2\r\n").status());
        assertEquals(401, get("/file/x", "X-Token: erin-123\r\n").status());
    }

    @Test
    void noKeyIsEverWrittenToTheAccessLog() throws Exception {
        get("/h/orders?note=1", "X-Api-Key: " + ALICE + "\r\n");
        get("/h/orders", "X-Api-Key: " + BOB + "-wrong\r\n");
        get("/q/items?api_key=qkey-7c1d0e5a", "");
        String text = Waits.forFileText(log, "by-query", Duration.ofSeconds(5));
        assertTrue(text.contains("\"status\":401"), text);
        assertFalse(text.contains(ALICE) || text.contains(BOB) || text.contains("qkey-7c1d0e5a"), text);
    }

    @Test
    void badKeySettingsFailTheStartWithoutShowingAKey() {
        String messages = StartFailure.messages(ApiKeyCheck.class, "query: api_key", dir);
        assertTrue(
                messages.contains("api key check: set keys (comma-separated name:key or key) or keysFile"), messages);
        messages = StartFailure.messages(ApiKeyCheck.class, "keys: \"a:secret-1, b:secret-1\"", dir);
        assertTrue(messages.contains("keys entry 2 repeats the key of keys entry 1"), messages);
        assertFalse(messages.contains("secret-1"), messages);
        messages = StartFailure.messages(
                ApiKeyCheck.class, "keys: \"a:secret-1, secret-2\"\n        identityHeader: X-Who", dir);
        assertTrue(messages.contains("keys entry 2: the key has no name, and identityHeader passes one"), messages);
        messages = StartFailure.messages(ApiKeyCheck.class, "keysFile: " + dir.resolve("missing.txt"), dir);
        assertTrue(
                messages.contains("api key check keysFile: " + dir.resolve("missing.txt") + " does not exist"),
                messages);
        messages = StartFailure.messages(ApiKeyCheck.class, "header: \"X Api Key\"\n        keys: k-1", dir);
        assertTrue(messages.contains("api key check header=X Api Key is invalid"), messages);
    }

    private static RawResponse get(String target, String headers, String query) throws IOException {
        return get(target + "?" + query, headers);
    }

    private static RawResponse get(String target, String headers) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n");
    }
}
