package io.serai.security.credentials;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Public keys from a JWKS file (the JSON an identity provider publishes), read at start and read
 * again when its content changes, looked at every {@code interval} on a background thread. Only the
 * public halves of RSA and EC keys are kept: a symmetric or private key in the file is never used.
 * A file that no longer loads is logged and the previous keys stay. (nimbus's JWKSourceBuilder
 * caches by time, made for URLs; a file is best re-read when it changes, as ServerCertificates does.)
 */
public final class JwksFileKeys implements SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JwksFileKeys.class);

    private final Path file;
    private final Duration interval;
    private final ScheduledExecutorService background;
    private volatile JWKSet keys;
    private byte[] content;
    private String lastProblem;

    public JwksFileKeys(Path file, Duration interval, ScheduledExecutorService background) {
        this.file = file;
        this.interval = interval;
        this.background = background;
    }

    @Override
    public JWKSource<SecurityContext> source() {
        return (selector, context) -> selector.select(keys);
    }

    @Override
    public boolean loaded() {
        return keys != null;
    }

    @Override
    public void start(Runnable onChange) {
        try {
            content = Files.readAllBytes(file);
            keys = parse(content);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwt jwksFile=" + file + " is invalid: " + message(e), e);
        }
        long every = interval.toMillis();
        background.scheduleWithFixedDelay(() -> reloadIfChanged(onChange), every, every, TimeUnit.MILLISECONDS);
    }

    private void reloadIfChanged(Runnable onChange) {
        try {
            byte[] now = Files.readAllBytes(file);
            if (Arrays.equals(now, content)) {
                return;
            }
            keys = parse(now);
            content = now;
            lastProblem = null;
            onChange.run();
            LOG.info("JWKS reloaded from {}: {} keys", file, keys.size());
        } catch (IOException | IllegalArgumentException e) {
            String problem = message(e);
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                LOG.error("JWKS {} not reloaded, the previous keys stay: {}", file, problem);
            }
        }
    }

    /** The RSA and EC public keys of a JWKS document; at least one. */
    static JWKSet parse(byte[] json) {
        JWKSet all;
        try {
            all = JWKSet.parse(new String(json, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWKS document (" + e.getMessage() + ")", e);
        }
        List<JWK> usable = all.toPublicJWKSet().getKeys().stream()
                .filter(k -> k instanceof RSAKey || k instanceof ECKey)
                .toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("it holds no RSA or EC public key");
        }
        return new JWKSet(usable);
    }

    private static String message(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
    }

    @Override
    public void close() {
        // the background thread belongs to the check, which stops it
    }
}
