package io.serai.security.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 digest of a secret (or of several after a salt, each length-prefixed so that no two
 * tuples share a digest), usable as a map key: secrets are looked up by digest and compared with
 * {@link MessageDigest#isEqual}, so how long a lookup takes says nothing about the secret.
 */
public final class SecretDigest {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private final byte[] digest;
    private final int hash;

    private SecretDigest(byte[] digest) {
        this.digest = digest;
        this.hash = (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
    }

    static SecretDigest of(String secret) {
        MessageDigest sha = SHA256.get();
        return new SecretDigest(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The digest of {@code parts} after {@code salt}: with a random salt that lives only in memory, a
     * digest of a password is no shortcut past the slow password hash.
     */
    public static SecretDigest salted(byte[] salt, String... parts) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(salt);
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            int n = bytes.length;
            sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha.update(bytes);
        }
        return new SecretDigest(sha.digest());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecretDigest d && MessageDigest.isEqual(digest, d.digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
