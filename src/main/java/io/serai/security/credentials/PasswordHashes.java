package io.serai.security.credentials;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.HashingFunction;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies passwords against the hashes of a users file with Password4j: bcrypt ({@code $2a$},
 * {@code $2b$}, {@code $2y$}, as {@code htpasswd -B} writes) and argon2 ({@code $argon2id$},
 * {@code $argon2i$}, PHC strings). The cost is read from each hash, so stronger hashes just work.
 * bcrypt reads only the first 72 bytes of a password, so a longer one never matches a bcrypt hash:
 * otherwise every password sharing those 72 bytes would be accepted.
 */
public final class PasswordHashes {

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    private static final Pattern ARGON2 = Pattern.compile("\\$argon2(id|i)\\$v=(16|19)\\$m=(\\d{1,8}),t=(\\d{1,4}),"
            + "p=(\\d{1,3})\\$[A-Za-z0-9+/]+={0,2}\\$[A-Za-z0-9+/]+={0,2}");
    /** 1 GiB in KiB: a hash asking for more would let a few logins exhaust the heap. */
    private static final int MAX_ARGON2_MEMORY_KIB = 1 << 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** What bcrypt reads of a password, in UTF-8 bytes; the rest it ignores. */
    static final int BCRYPT_MAX_PASSWORD_BYTES = 72;

    private PasswordHashes() {}

    /** Why {@code hash} cannot be used, or null when it can. Never repeats the hash. */
    static String problem(String hash) {
        if (hash.startsWith("$2")) {
            return BCRYPT.matcher(hash).matches()
                    ? null
                    : "not a valid bcrypt hash (expected $2y$, $2b$ or $2a$, a cost of 04 to 31 and 53 characters)";
        }
        if (hash.startsWith("$argon2id$") || hash.startsWith("$argon2i$")) {
            Matcher m = ARGON2.matcher(hash);
            if (!m.matches()) {
                return "not a valid argon2 hash (expected $argon2id$v=19$m=...,t=...,p=...$salt$hash)";
            }
            if (Integer.parseInt(m.group(3)) > MAX_ARGON2_MEMORY_KIB) {
                return "an argon2 hash that needs more than 1 GiB of memory (m=" + m.group(3) + ")";
            }
            if (Integer.parseInt(m.group(4)) < 1 || Integer.parseInt(m.group(5)) < 1) {
                return "not a valid argon2 hash (t and p must be at least 1)";
            }
            return null;
        }
        return "an unsupported hash format: expected bcrypt ($2y$, htpasswd -B) or argon2 ($argon2id$, $argon2i$)";
    }

    /** Whether {@code password} is the one {@code hash} was made from; {@code hash} passed {@link #problem}. */
    public static boolean verify(String password, String hash) {
        if (hash.startsWith("$2") && password.getBytes(StandardCharsets.UTF_8).length > BCRYPT_MAX_PASSWORD_BYTES) {
            return false;
        }
        return function(hash).check(password, hash);
    }

    /** The algorithm and cost of {@code hash} (which passed {@link #problem}), e.g. {@code $2y$10$}. */
    static String parameters(String hash) {
        if (hash.startsWith("$2")) {
            return hash.substring(0, 7);
        }
        return hash.substring(0, hash.lastIndexOf('$', hash.lastIndexOf('$') - 1) + 1);
    }

    /** A hash of a random password that costs as much to verify as {@code like}. */
    static String dummyLike(String like) {
        String password = random(24);
        if (like.startsWith("$2")) {
            return BcryptFunction.getInstanceFromHash(like).hash(password).getResult();
        }
        // with a salt of ours: Password4j would otherwise warn that psw4j.properties sets no salt length
        return Argon2Function.getInstanceFromHash(like)
                .hash(password, random(16))
                .getResult();
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().withoutPadding().encodeToString(random);
    }

    private static HashingFunction function(String hash) {
        return hash.startsWith("$2")
                ? BcryptFunction.getInstanceFromHash(hash)
                : Argon2Function.getInstanceFromHash(hash);
    }
}
