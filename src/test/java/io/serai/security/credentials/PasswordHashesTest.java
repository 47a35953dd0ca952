package io.serai.security.credentials;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which hashes a users file may hold, and that they verify as other tools made them. */
@Timeout(60)
public class PasswordHashesTest {

    @Test
    void bcryptAndArgon2HashesMadeNowVerifyTheirPasswordOnly() {
        String[] hashes = {
            BcryptFunction.getInstance(Bcrypt.Y, 5).hash("s3cret: with colon").getResult(),
            BcryptFunction.getInstance(Bcrypt.B, 5).hash("s3cret: with colon").getResult(),
            BcryptFunction.getInstance(Bcrypt.A, 5).hash("s3cret: with colon").getResult(),
            argon2(Argon2.ID, 1, "s3cret: with colon"),
            argon2(Argon2.I, 2, "s3cret: with colon"),
        };
        for (String hash : hashes) {
            assertNull(PasswordHashes.problem(hash), hash);
            assertTrue(PasswordHashes.verify("s3cret: with colon", hash), hash);
            assertFalse(PasswordHashes.verify("s3cret: with colon ", hash), hash);
        }
    }

    @Test
    void bcryptRefusesPasswordsLongerThanThe72BytesItReads() {
        String password = "p".repeat(72);
        String hash = BcryptFunction.getInstance(Bcrypt.Y, 4).hash(password).getResult();
        assertTrue(PasswordHashes.verify(password, hash));
        assertFalse(PasswordHashes.verify(password + "x", hash), "bcrypt alone would ignore the 73rd byte");
        assertFalse(
                PasswordHashes.verify(
                        "p".repeat(71) + "é",
                        BcryptFunction.getInstance(Bcrypt.Y, 4)
                                .hash("p".repeat(71) + "é")
                                .getResult()),
                "73 bytes in UTF-8, though 72 characters");
    }

    @Test
    void hashesMadeByOtherImplementationsVerify() {
        // PHP's password_hash documentation example (bcrypt $2y$, as htpasswd -B also writes)
        String php = "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";
        assertNull(PasswordHashes.problem(php));
        assertTrue(PasswordHashes.verify("rasmuslerdorf", php));
        assertFalse(PasswordHashes.verify("rasmuslerdorF", php));
        // the argon2 reference implementation's README example: argon2 somesalt -t 2 -m 16 -p 4 -l 24
        String reference = "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        assertNull(PasswordHashes.problem(reference));
        assertTrue(PasswordHashes.verify("password", reference));
    }

    @Test
    void otherFormatsAreRefusedWithAReasonThatDoesNotRepeatTheHash() {
        String apr1 = "$apr1$xyz12345$abcdefghijklmnopqrstuv";
        assertTrue(PasswordHashes.problem(apr1).startsWith("an unsupported hash format"));
        assertFalse(PasswordHashes.problem(apr1).contains("xyz12345"));
        assertTrue(
                PasswordHashes.problem("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=").startsWith("an unsupported hash format"));
        assertTrue(PasswordHashes.problem("plaintext").startsWith("an unsupported hash format"));
        assertTrue(PasswordHashes.problem("$argon2d$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2g")
                .startsWith("an unsupported hash format"));
        assertTrue(PasswordHashes.problem("$2x$10$" + "a".repeat(53)).startsWith("not a valid bcrypt hash"));
        assertTrue(PasswordHashes.problem("$2y$10$tooShort").startsWith("not a valid bcrypt hash"));
        assertTrue(PasswordHashes.problem("$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2g")
                .contains("more than 1 GiB"));
    }

    @Test
    void theParametersOfAHashAreItsAlgorithmAndCost() {
        assertEquals(
                "$2y$05$",
                PasswordHashes.parameters(
                        BcryptFunction.getInstance(Bcrypt.Y, 5).hash("x").getResult()));
        assertEquals("$argon2id$v=19$m=1024,t=2,p=1$", PasswordHashes.parameters(argon2(Argon2.ID, 1, "x")));
    }

    @Test
    void aDummyHashForUnknownUsersHasTheParametersMostUsersHave() {
        String cheap = BcryptFunction.getInstance(Bcrypt.Y, 4).hash("x").getResult();
        String dear = BcryptFunction.getInstance(Bcrypt.Y, 6).hash("x").getResult();
        UserFile users = UserFile.parse(java.util.List.of("a:" + cheap, "b:" + dear, "c:" + dear));
        assertTrue(users.dummyHash().startsWith("$2y$06$"), "two of three users have cost 6");
        assertEquals(dear, users.hashOf("b"));
        assertNull(users.hashOf("nobody"));
    }

    @Test
    void theDummyHashHasTheSameCostAsTheOneItImitates() {
        String bcrypt = BcryptFunction.getInstance(Bcrypt.Y, 6).hash("x").getResult();
        String dummy = PasswordHashes.dummyLike(bcrypt);
        assertEquals(bcrypt.substring(0, 7), dummy.substring(0, 7));
        String argon = Argon2Function.getInstance(2048, 3, 1, 32, Argon2.ID)
                .hash("x", "salt-of-16-bytes")
                .getResult();
        assertTrue(PasswordHashes.dummyLike(argon).startsWith("$argon2id$v=19$m=2048,t=3,p=1$"));
    }

    /** An argon2 hash with 1 MiB of memory and 2 passes: quick, and what the format allows. */
    public static String argon2(Argon2 type, int parallelism, String password) {
        return Argon2Function.getInstance(1024, 2, parallelism, 32, type)
                .hash(password, "salt-" + System.nanoTime())
                .getResult();
    }
}
