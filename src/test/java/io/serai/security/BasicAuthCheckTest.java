package io.serai.security;

import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import io.serai.security.credentials.PasswordHashesTest;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP Basic against an htpasswd file of bcrypt and argon2 hashes made at test time: right and wrong
 * credentials, the file changing, a full verification pool, and what the backend and the access log see.
 */
@Timeout(120)
class BasicAuthCheckTest {

    private static final String ROUTES = """
            - beans:
                - name: staff
                  type: "#class:io.serai.security.BasicAuthCheck"
                  properties:
                    usersFile: "{{users.file}}"
                    realm: "Staff area"
                    userHeader: X-User
                    reloadInterval: 100ms
                - name: passThrough
                  type: "#class:io.serai.security.BasicAuthCheck"
                  properties:
                    usersFile: "{{users.file}}"
                    forwardCredentials: true
                    cacheTtl: 0s
                - name: narrow
                  type: "#class:io.serai.security.BasicAuthCheck"
                  properties:
                    usersFile: "{{slow.file}}"
                    threads: 1
                    queue: 1
            - route:
                id: staff
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/staff?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: staff}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: pass-through
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/through?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: passThrough}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: narrow
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/narrow?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: narrow}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    private static final String ALICE = "alice-pw-Zq81";
    private static final String BOB = "bob: pw with colon";
    /** 72 bytes in UTF-8, all that bcrypt reads of a password: 70 ASCII letters and one two-byte letter. */
    private static final String FRANK = "f".repeat(70) + "é";

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static Path users;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("basic");
        users = Files.writeString(
                dir.resolve("users.htpasswd"),
                "# staff\n"
                        + "alice:" + bcrypt(Bcrypt.Y, 5, ALICE) + "\n"
                        + "bob:" + PasswordHashesTest.argon2(Argon2.ID, 1, BOB) + "\n"
                        + "carol:" + PasswordHashesTest.argon2(Argon2.I, 2, "carol-pw") + "\n"
                        + "dave:" + bcrypt(Bcrypt.B, 4, "dävé-pw") + "\n"
                        + "frank:" + bcrypt(Bcrypt.Y, 4, FRANK) + "\n");
        String slowHash = bcrypt(Bcrypt.Y, 13, "slow-pw");
        Path slow = Files.writeString(
                dir.resolve("slow.htpasswd"),
                "alice:" + bcrypt(Bcrypt.Y, 4, ALICE) + "\n" + "slow:" + slowHash + "\nslow2:" + slowHash + "\n");
        log = dir.resolve("access.log");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("users.file", users)
                .property("slow.file", slow)
                .property("serai.access-log", log)
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void eachHashFormatLetsItsUserInWithoutTheCredentialAndWithTheName() throws IOException {
        assertEquals(
                200, get("/staff/a", basic("alice", ALICE) + "X-User: root\r\n").status());
        RecordedRequest seen = backend.lastRequest();
        assertNull(seen.header("Authorization"), "the credentials are not forwarded");
        assertEquals("alice", seen.header("X-User"), "the client's own X-User is replaced");
        assertEquals(
                1,
                seen.headers().stream()
                        .filter(h -> h.getKey().equalsIgnoreCase("X-User"))
                        .count());
        assertEquals(200, get("/staff/a", basic("bob", BOB)).status(), "argon2id, a password with ':'");
        assertEquals("bob", backend.lastRequest().header("X-User"));
        assertEquals(200, get("/staff/a", basic("carol", "carol-pw")).status(), "argon2i");
        assertEquals(200, get("/staff/a", basic("dave", "dävé-pw")).status(), "$2b$, UTF-8 password");
    }

    @Test
    void aClientsUserHeaderSpelledWithUnderscoresOrAnotherCaseNeverReachesTheBackend() throws IOException {
        assertEquals(
                200,
                get("/staff/a", basic("alice", ALICE) + "X_User: root\r\nx_USER: root\r\n")
                        .status());
        assertEquals(List.of("X-User: alice"), ApiKeyCheckTest.folded(backend.lastRequest(), "x-user"));
    }

    @Test
    void missingCredentialsGet401WithTheBasicChallenge() throws IOException {
        int before = backend.requests().size();
        RawResponse r = get("/staff/a", "X-User: alice\r\n");
        assertEquals(401, r.status());
        assertEquals("Basic realm=\"Staff area\", charset=\"UTF-8\"", r.header("WWW-Authenticate"));
        assertEquals("401 Unauthorized: credentials missing\n", r.bodyText());
        assertEquals(
                401, get("/staff/a", "Authorization: Bearer abc.def.ghi\r\n").status(), "another scheme");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void wrongPasswordsUnknownUsersAndMalformedHeadersGet401AndTheBackendNothing() throws IOException {
        int before = backend.requests().size();
        RawResponse wrong = get("/staff/a", basic("alice", ALICE + "!"));
        assertEquals(401, wrong.status());
        assertEquals("401 Unauthorized: user or password not valid\n", wrong.bodyText());
        assertEquals("Basic realm=\"Staff area\", charset=\"UTF-8\"", wrong.header("WWW-Authenticate"));
        assertEquals(
                "401 Unauthorized: user or password not valid\n",
                get("/staff/a", basic("mallory", ALICE)).bodyText(),
                "an unknown user reads the same as a wrong password");
        assertEquals(401, get("/staff/a", basic("bob", "bob")).status());
        assertEquals(
                "401 Unauthorized: credentials malformed\n",
                get("/staff/a", "Authorization: Basic not*base64\r\n").bodyText());
        assertEquals(
                "401 Unauthorized: credentials malformed\n",
                get(
                                "/staff/a",
                                "Authorization: Basic "
                                        + Base64.getEncoder()
                                                .encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))
                                        + "\r\n")
                        .bodyText());
        assertEquals(
                401, get("/staff/a", basic("alice", ALICE) + basic("bob", BOB)).status(), "two Authorization headers");
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aPasswordLongerThanBcryptReadsIsRefusedAsAWrongOneEvenWhenItsFirst72BytesAreRight() throws IOException {
        int before = backend.requests().size();
        assertEquals(200, get("/staff/a", basic("frank", FRANK)).status(), "exactly 72 bytes");
        RawResponse longer = get("/staff/a", basic("frank", FRANK + "anything"));
        assertEquals(401, longer.status());
        assertEquals("401 Unauthorized: user or password not valid\n", longer.bodyText());
        assertEquals(401, get("/through/a", basic("frank", FRANK + "x")).status(), "with no cache of logins too");
        assertEquals(before + 1, backend.requests().size());
    }

    @Test
    void anUnknownUserTakesAboutAsLongAsAWrongPassword() throws Exception {
        // most of slow.htpasswd's hashes have cost 13; unknown users are checked against a dummy of that cost
        long wrong = medianMillis("/narrow/a", basic("slow", "not-it"));
        long unknown = medianMillis("/narrow/a", basic("nobody", "not-it"));
        assertTrue(wrong > 50, "a cost 13 bcrypt takes a while: " + wrong + " ms");
        assertTrue(unknown > wrong / 3, "unknown user " + unknown + " ms, wrong password " + wrong + " ms");
    }

    @Test
    void whenTheVerificationPoolIsFullALoginGets503AndARememberedOneStillGetsIn() throws Exception {
        assertEquals(200, get("/narrow/a", basic("alice", ALICE)).status(), "alice is verified and remembered");
        int before = backend.requests().size();
        List<CompletableFuture<RawResponse>> busy = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // one verifying, one waiting (a cost 13 bcrypt each): pool and queue are full
            busy.add(CompletableFuture.supplyAsync(() -> quietly("/narrow/a", basic("slow", "wrong"))));
            Thread.sleep(75);
        }
        RawResponse refused = get("/narrow/a", basic("slow", "slow-pw"));
        assertEquals(503, refused.status());
        assertEquals("1", refused.header("Retry-After"));
        assertEquals("503 Service Unavailable: too many logins are being checked, try again\n", refused.bodyText());
        assertEquals(200, get("/narrow/a", basic("alice", ALICE)).status(), "a remembered login needs no pool");
        for (CompletableFuture<RawResponse> f : busy) {
            assertEquals(401, f.get(30, TimeUnit.SECONDS).status());
        }
        assertEquals(before + 1, backend.requests().size());
    }

    @Test
    void aChangedUsersFileAppliesWithoutARestartAndForgetsRememberedLogins() throws Exception {
        Path file = Files.writeString(dir.resolve("changing.htpasswd"), "erin:" + bcrypt(Bcrypt.Y, 4, "first") + "\n");
        try (RunningSerai own = RunningSerai.routes("""
                - beans:
                    - name: changing
                      type: "#class:io.serai.security.BasicAuthCheck"
                      properties:
                        usersFile: "{{changing.file}}"
                        reloadInterval: 100ms
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - process: {ref: changing}
                        - to: "netty-http:http://{{backend.1}}"
                """)
                .property("backend.1", backend.hostPort())
                .property("changing.file", file)
                .start(dir)) {
            assertEquals(
                    200,
                    RawHttp.exchange(own.port(), request("/", basic("erin", "first")))
                            .status());
            Files.writeString(
                    file, "erin:" + bcrypt(Bcrypt.Y, 4, "second") + "\nfrank:" + bcrypt(Bcrypt.Y, 4, "f") + "\n");
            Waits.forStatus(
                    200, Waits.PROMPTLY, () -> RawHttp.exchange(own.port(), request("/", basic("erin", "second"))));
            assertEquals(
                    401,
                    RawHttp.exchange(own.port(), request("/", basic("erin", "first")))
                            .status(),
                    "the old password, though remembered, no longer works");
            assertEquals(
                    200,
                    RawHttp.exchange(own.port(), request("/", basic("frank", "f")))
                            .status());

            try (LogCapture logged = LogCapture.start()) {
                Files.writeString(file, "erin:$apr1$abc$def\n");
                // Ordered, not paused for: the broken version was read and refused, and the previous one stays.
                logged.await("Not reloaded, the previous version stays", Waits.PROMPTLY);
            }
            assertEquals(
                    200,
                    RawHttp.exchange(own.port(), request("/", basic("erin", "second")))
                            .status());
        }
    }

    @Test
    void forwardCredentialsLeavesAuthorizationForTheBackend() throws IOException {
        assertEquals(200, get("/through/a", basic("carol", "carol-pw")).status());
        assertEquals(
                basic("carol", "carol-pw"),
                "Authorization: " + backend.lastRequest().header("Authorization") + "\r\n");
    }

    @Test
    void noPasswordIsEverWrittenToTheAccessLog() throws Exception {
        get("/staff/logged", basic("alice", ALICE));
        get("/staff/logged", basic("alice", "guess-Qx7"));
        String text = Waits.forText(
                () -> {
                    try {
                        return Files.exists(log) ? Files.readString(log) : "";
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                "/staff/logged",
                2,
                Duration.ofSeconds(5));
        assertTrue(text.contains("\"status\":401"), text);
        String encoded = Base64.getEncoder().encodeToString(("alice:" + ALICE).getBytes(StandardCharsets.UTF_8));
        assertFalse(text.contains(ALICE) || text.contains("guess-Qx7") || text.contains(encoded), text);
    }

    @Test
    void unusableUsersFilesFailTheStartNamingTheLineButNotTheHash() throws IOException {
        Path apr1 = Files.writeString(
                dir.resolve("apr1.htpasswd"),
                "alice:" + bcrypt(Bcrypt.Y, 4, "a") + "\n# md5, as htpasswd -m writes\neve:$apr1$Qz9x$7Hq1\n");
        String messages = StartFailure.messages(BasicAuthCheck.class, "usersFile: " + apr1, dir);
        assertTrue(
                messages.contains("basic auth check usersFile: " + apr1 + " line 3 (user eve): an unsupported hash"
                        + " format: expected bcrypt ($2y$, htpasswd -B) or argon2 ($argon2id$, $argon2i$)"),
                messages);
        assertFalse(messages.contains("Qz9x"), messages);
        Path twice = Files.writeString(
                dir.resolve("twice.htpasswd"),
                "a:" + bcrypt(Bcrypt.Y, 4, "a") + "\na:" + bcrypt(Bcrypt.Y, 4, "b") + "\n");
        assertTrue(StartFailure.messages(BasicAuthCheck.class, "usersFile: " + twice, dir)
                .contains("line 2: user a is already on line 1"));
        assertTrue(StartFailure.messages(BasicAuthCheck.class, "realm: serai", dir)
                .contains("basic auth check: set usersFile"));
        assertTrue(StartFailure.messages(
                        BasicAuthCheck.class, "usersFile: " + twice + "\n        realm: 'say \"hi\"'", dir)
                .contains("basic auth check realm=say \"hi\" is invalid"));
        assertTrue(StartFailure.messages(BasicAuthCheck.class, "usersFile: " + apr1 + "\n        threads: 0", dir)
                .contains("basic auth check threads=0 is invalid: expected 1 to 64"));
    }

    static String bcrypt(Bcrypt type, int cost, String password) {
        return BcryptFunction.getInstance(type, cost).hash(password).getResult();
    }

    static String basic(String user, String password) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    private static long medianMillis(String target, String headers) throws IOException {
        long[] took = new long[3];
        for (int i = 0; i < took.length; i++) {
            long start = System.nanoTime();
            assertEquals(401, get(target, headers).status());
            took[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(took);
        return took[1];
    }

    private static RawResponse quietly(String target, String headers) {
        try {
            return get(target, headers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String request(String target, String headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n";
    }

    private static RawResponse get(String target, String headers) throws IOException {
        return RawHttp.exchange(serai.port(), request(target, headers));
    }
}
