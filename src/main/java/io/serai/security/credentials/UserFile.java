package io.serai.security.credentials;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users of a Basic authentication check, as an htpasswd file lists them: {@code user:hash} a line,
 * {@code #} comments and blank lines skipped. Every hash is checked when the file is read, so a user
 * with an unusable hash fails the start (or the reload) naming the line, not a login later. It also
 * holds a dummy hash, verified for unknown users so that they take as long as a wrong password: made
 * with the parameters (algorithm and cost) that most users' hashes share, the earliest on a tie.
 */
public final class UserFile {

    /** Used when the file has no users: bcrypt at htpasswd's default cost. */
    private static final String DEFAULT_LIKE = "$2y$10$" + "a".repeat(53);

    private final Map<String, String> hashes;
    private final String dummy;

    private UserFile(Map<String, String> hashes, String dummy) {
        this.hashes = hashes;
        this.dummy = dummy;
    }

    /** The stored hash of {@code user}, or null when there is no such user. */
    public String hashOf(String user) {
        return hashes.get(user);
    }

    public String dummyHash() {
        return dummy;
    }

    public int size() {
        return hashes.size();
    }

    public static UserFile parse(List<String> lines) {
        Map<String, String> hashes = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Map<String, Integer> shapes = new HashMap<>();
        String common = null;
        int commonCount = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int n = i + 1;
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("line " + n + ": expected user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1).trim();
            if (!printableAscii(user)) {
                throw new IllegalArgumentException(
                        "line " + n + ": the user name may only have printable ASCII" + " characters (no spaces)");
            }
            String problem = PasswordHashes.problem(hash);
            if (problem != null) {
                throw new IllegalArgumentException("line " + n + " (user " + user + "): " + problem);
            }
            Integer earlier = lineOf.putIfAbsent(user, n);
            if (earlier != null) {
                throw new IllegalArgumentException("line " + n + ": user " + user + " is already on line " + earlier);
            }
            hashes.put(user, hash);
            int count = shapes.merge(PasswordHashes.parameters(hash), 1, Integer::sum);
            if (count > commonCount) {
                common = hash;
                commonCount = count;
            }
        }
        return new UserFile(Map.copyOf(hashes), PasswordHashes.dummyLike(common != null ? common : DEFAULT_LIKE));
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
