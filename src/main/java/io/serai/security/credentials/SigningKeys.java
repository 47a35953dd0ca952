package io.serai.security.credentials;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The public keys a {@link JwtCheck} verifies token signatures with, from a JWKS file or URL, as a
 * nimbus key source. Looking keys up may wait for a fetch, so it is done off the event loop.
 */
public interface SigningKeys extends AutoCloseable {

    /** The keys; {@code get} may wait for a file read or a fetch. */
    JWKSource<SecurityContext> source();

    /** Whether any keys were had yet (a JWKS URL's first fetch may still be failing). */
    boolean loaded();

    /**
     * Loads or starts fetching the keys; {@code onChange} runs whenever a new key set replaces the
     * previous one (tokens already validated must then be validated again).
     */
    void start(Runnable onChange);

    @Override
    void close();
}
