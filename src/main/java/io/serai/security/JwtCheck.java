package io.serai.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.serai.security.credentials.ClaimHeaders;
import io.serai.security.credentials.JwksFileKeys;
import io.serai.security.credentials.JwksUrlKeys;
import io.serai.security.credentials.JwtValidator;
import io.serai.security.credentials.SigningKeys;
import io.serai.security.credentials.ValidatedTokens;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A JWT bearer token check, declared as a bean and used as a route step
 * ({@code - process: {ref: <bean>}}): the request must carry {@code Authorization: Bearer <JWT>}
 * signed by a key of the JWKS ({@code jwksFile} or {@code jwksUrl}) and meant for {@code audience}.
 * Selected claims go to the backend as headers ({@code claimHeaders}); the client's own copies of
 * those headers never do, and neither does the token unless {@code forwardCredentials}. Refusals
 * follow RFC 6750: 401 with a {@code Bearer} challenge, 403 {@code insufficient_scope}; 503 while no
 * signing key could be fetched. A token already validated is admitted from {@link ValidatedTokens} on
 * the event loop; any other is checked on a small bounded pool, since a check may wait for a fetch.
 * <p>
 * Long because: one setter per option a route gives; validating a token is credentials.JwtValidator's.
 */
public class JwtCheck extends AccessCheck {

    /** The asymmetric algorithms nimbus verifies with the JDK alone (EdDSA would need Google Tink). */
    static final List<JWSAlgorithm> ASYMMETRIC = List.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    private static final int PENDING_CHECKS = 1024;

    private Path jwksFile;
    private URL jwksUrl;
    private Duration jwksReloadInterval = Duration.ofSeconds(5);
    private Duration jwksCacheTime = Duration.ofMinutes(5);
    private Duration jwksRefetchInterval = Duration.ofSeconds(30);
    private Duration jwksTimeout = Duration.ofSeconds(2);
    private String issuer;
    private Set<String> audiences = Set.of();
    private Duration clockSkew = Duration.ofSeconds(60);
    private Set<JWSAlgorithm> algorithms = Set.copyOf(ASYMMETRIC);
    private Set<String> requiredClaims = Set.of();
    private Set<String> requiredScopes = Set.of();
    private ClaimHeaders claimHeaders = ClaimHeaders.none();
    private BearerScheme scheme = new BearerScheme("serai");
    private long cachedTokens = 10_000;
    private volatile Running running;

    /** What a started check works with; replaced as a whole on each start. */
    private record Running(
            SigningKeys keys,
            JwtValidator validator,
            ValidatedTokens tokens,
            ExecutorService checks,
            ScheduledExecutorService background) {}

    /** A JWKS file (the JSON of the provider's jwks_uri, not PEM), read again when it changes; this or jwksUrl. */
    public void setJwksFile(String file) {
        this.jwksFile = Path.of(file.trim());
    }

    /** An https:// (or http://) URL of the JWKS, fetched in the background and cached; this or jwksFile. */
    public void setJwksUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            String protocol = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(protocol.equals("https") || protocol.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "jwt jwksUrl=" + url + " is invalid: expected an https:// or http:// URL");
            }
            this.jwksUrl = uri.toURL();
        } catch (java.net.URISyntaxException | MalformedURLException e) {
            throw new IllegalArgumentException("jwt jwksUrl=" + url + " is invalid: " + e.getMessage(), e);
        }
    }

    /** jwksFile only: how often the file is looked at for changes (default 5s). */
    public void setJwksReloadInterval(String interval) {
        this.jwksReloadInterval = positive("jwt jwksReloadInterval", interval);
    }

    /** jwksUrl only: how long fetched keys are used before they are fetched again (default 5m). */
    public void setJwksCacheTime(String time) {
        this.jwksCacheTime = positive("jwt jwksCacheTime", time);
    }

    /** jwksUrl only: at most two fetches per interval for tokens naming an unknown key (default 30s). */
    public void setJwksRefetchInterval(String interval) {
        this.jwksRefetchInterval = positive("jwt jwksRefetchInterval", interval);
    }

    /** jwksUrl only: connect and read timeout of one fetch, at most 30s (default 2s). */
    public void setJwksTimeout(String timeout) {
        Duration d = positive("jwt jwksTimeout", timeout);
        if (d.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("jwt jwksTimeout=" + timeout + " is invalid: expected 30s at most");
        }
        this.jwksTimeout = d;
    }

    /** When set, a token's iss must be exactly this. */
    public void setIssuer(String issuer) {
        this.issuer = issuer.isBlank() ? null : issuer.trim();
    }

    /** The value a token's aud must contain (required); a comma list accepts any one of them. */
    public void setAudience(String audience) {
        this.audiences = items(audience);
    }

    /** How far exp and nbf may be off, at most 10m (default 60s). */
    public void setClockSkew(String skew) {
        Duration d = SettingValues.duration("jwt clockSkew", skew);
        if (d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("jwt clockSkew=" + skew + " is invalid: expected 10m at most");
        }
        this.clockSkew = d;
    }

    /** Signature algorithms accepted, comma-separated (default the RSA, PSS and EC ones; never none or HS*). */
    public void setAlgorithms(String names) {
        Set<JWSAlgorithm> chosen = new LinkedHashSet<>();
        for (String name : items(names)) {
            chosen.add(algorithm(name));
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(
                    "jwt algorithms=" + names + " is invalid: expected some of " + ASYMMETRIC);
        }
        this.algorithms = Set.copyOf(chosen);
    }

    /** Claims every token must have, comma-separated (exp is always required). */
    public void setRequiredClaims(String claims) {
        this.requiredClaims = items(claims);
    }

    /** Scopes every token must grant (scope or scp claim), separated by spaces or commas; else 403. */
    public void setRequiredScopes(String scopes) {
        this.requiredScopes = items(scopes.replace(' ', ','));
    }

    /** Claims passed to the backend as request headers: claim:Header pairs, comma-separated. */
    public void setClaimHeaders(String spec) {
        this.claimHeaders = spec.isBlank() ? ClaimHeaders.none() : ClaimHeaders.parse(spec);
    }

    /** The realm of the WWW-Authenticate challenge (default serai). */
    public void setRealm(String realm) {
        if (!BearerScheme.validRealm(realm)) {
            throw new IllegalArgumentException(
                    "jwt realm=" + realm + " is invalid: expected printable ASCII without \" or \\");
        }
        this.scheme = new BearerScheme(realm);
    }

    /** Validated tokens remembered so that their next requests skip the signature check; 0 turns it off. */
    public void setCachedTokens(long cachedTokens) {
        if (cachedTokens < 0) {
            throw new IllegalArgumentException(
                    "jwt cachedTokens=" + cachedTokens + " is invalid: expected 0 (none) or more");
        }
        this.cachedTokens = cachedTokens;
    }

    @Override
    protected String kind() {
        return "jwt";
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        validate();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // At start, with the reading of the keys: --check may run where the JWKS file is not mounted (CI).
        if (jwksFile != null && !Files.isReadable(jwksFile)) {
            throw new IllegalArgumentException("jwt jwksFile=" + jwksFile + " is invalid: no readable file there");
        }
        ExecutorServiceManager threads = context().getExecutorServiceManager();
        ScheduledExecutorService background = threads.newSingleThreadScheduledExecutor(this, "serai-jwks");
        SigningKeys keys = jwksFile != null
                ? new JwksFileKeys(jwksFile, jwksReloadInterval, background)
                : new JwksUrlKeys(jwksUrl, jwksCacheTime, jwksRefetchInterval, jwksTimeout, background);
        ValidatedTokens tokens = new ValidatedTokens(cachedTokens);
        try {
            keys.start(tokens::clear);
        } catch (RuntimeException e) {
            threads.shutdownNow(background);
            throw e;
        }
        int size = Math.max(2, Runtime.getRuntime().availableProcessors());
        ExecutorService checks = threads.newThreadPool(
                this,
                "serai-jwt-check",
                new ThreadPoolProfileBuilder("serai-jwt-check")
                        .poolSize(size)
                        .maxPoolSize(size)
                        .keepAliveTime(30L, TimeUnit.SECONDS)
                        .maxQueueSize(PENDING_CHECKS)
                        .allowCoreThreadTimeOut(true)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                        .build());
        JwtValidator validator = new JwtValidator(keys, algorithms, audiences, issuer, requiredClaims, clockSkew);
        running = new Running(keys, validator, tokens, checks, background);
    }

    /** The refusals that need no file and no network: every one is a mistake in the route file. */
    private void validate() {
        if ((jwksFile == null) == (jwksUrl == null)) {
            throw new IllegalArgumentException(
                    "jwt: set exactly one of jwksFile and jwksUrl (the JWKS with the token signing keys)");
        }
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException(
                    "jwt audience is required: the value (or comma list) a token's aud must name");
        }
        if (jwksUrl != null && jwksCacheTime.compareTo(jwksRefetchInterval) <= 0) {
            throw new IllegalArgumentException(
                    "jwt jwksCacheTime=" + jwksCacheTime.toSeconds() + "s is invalid: expected more"
                            + " than jwksRefetchInterval (" + jwksRefetchInterval.toSeconds() + "s)");
        }
        Duration minimum =
                JwksUrlKeys.refreshTimeout(jwksTimeout).multipliedBy(4).dividedBy(3);
        if (jwksUrl != null && jwksCacheTime.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(
                    "jwt jwksCacheTime=" + jwksCacheTime.toSeconds() + "s is invalid: expected at" + " least "
                            + minimum.toSeconds() + "s with jwksTimeout " + jwksTimeout.toMillis() + "ms");
        }
    }

    @Override
    protected void doStop() throws Exception {
        Running r = running;
        running = null;
        if (r != null) {
            ExecutorServiceManager threads = context().getExecutorServiceManager();
            threads.shutdownNow(r.background());
            for (Runnable waiting : threads.shutdownNow(r.checks())) {
                waiting.run(); // each answers its request, so that none is left without a verdict
            }
            r.keys().close();
        }
        super.doStop();
    }

    /** Decides on the calling thread; may wait for the signing keys. */
    @Override
    protected Verdict check(Exchange exchange) {
        Running r = running;
        Message message = exchange.getMessage();
        String token = BearerScheme.token(message);
        Verdict quick = quickly(message, token, r);
        return quick != null ? quick : validate(message, token, r);
    }

    /** Decides at once when the token is missing, malformed or already validated; else on the check pool. */
    @Override
    protected void check(Exchange exchange, Consumer<Verdict> done) {
        Running r = running;
        Message message = exchange.getMessage();
        String token = BearerScheme.token(message);
        Verdict quick = quickly(message, token, r);
        if (quick != null) {
            done.accept(quick);
            return;
        }
        try {
            r.checks().execute(() -> done.accept(validate(message, token, r)));
        } catch (RejectedExecutionException e) {
            done.accept(BearerScheme.unavailable("too many tokens to check at once, try again"));
        }
    }

    private Verdict quickly(Message message, String token, Running r) {
        claimHeaders.removeFrom(message);
        if (r == null) {
            return BearerScheme.unavailable("token check not started");
        }
        if (token == null) {
            return scheme.missing();
        }
        if (token.isEmpty()) {
            return scheme.invalid(JwtValidator.MALFORMED);
        }
        ValidatedTokens.Admission known = r.tokens().find(token);
        return known == null ? null : admit(message, known);
    }

    private Verdict validate(Message message, String token, Running r) {
        JwtValidator.Outcome outcome = r.validator().validate(token);
        if (outcome.unavailable()) {
            return BearerScheme.unavailable(outcome.reason());
        }
        if (!outcome.valid()) {
            return scheme.invalid(outcome.reason());
        }
        JWTClaimsSet claims = outcome.claims();
        if (!scopes(claims).containsAll(requiredScopes)) {
            return scheme.insufficientScope(requiredScopes);
        }
        ValidatedTokens.Admission admission = new ValidatedTokens.Admission(
                claimHeaders.valuesOf(claims), claims.getExpirationTime().getTime());
        r.tokens().remember(token, admission);
        return admit(message, admission);
    }

    private Verdict admit(Message message, ValidatedTokens.Admission admission) {
        admission.headers().forEach(message::setHeader);
        if (!isForwardCredentials()) {
            message.removeHeader(BearerScheme.AUTHORIZATION);
        }
        return Verdict.allow();
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> granted = new LinkedHashSet<>();
        for (String name : List.of("scope", "scp")) {
            Object value = claims.getClaim(name);
            if (value instanceof String s) {
                granted.addAll(Arrays.asList(s.trim().split(" +")));
            } else if (value instanceof Collection<?> items) {
                items.forEach(i -> granted.add(String.valueOf(i)));
            }
        }
        return granted;
    }

    private static JWSAlgorithm algorithm(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("NONE")) {
            throw new IllegalArgumentException("jwt algorithms: none is never accepted (a token without a signature)");
        }
        if (upper.startsWith("HS")) {
            throw new IllegalArgumentException(
                    "jwt algorithms: " + name + " is not accepted: HMAC needs a shared secret, "
                            + "and a JWKS holds public keys (anyone could sign with them)");
        }
        return ASYMMETRIC.stream()
                .filter(a -> a.getName().equals(upper))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("jwt algorithms: " + name + " is not supported: expected some of "
                                + ASYMMETRIC.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(","))));
    }

    private static Set<String> items(String list) {
        return new LinkedHashSet<>(SettingValues.list(list));
    }

    private static Duration positive(String key, String value) {
        Duration d = SettingValues.duration(key, value);
        if (d.isZero()) {
            throw new IllegalArgumentException(key + "=" + value + " is invalid: expected more than 0");
        }
        return d;
    }
}
