package io.serai.security.credentials;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API keys a check accepts, each as {@code name:key} or a plain {@code key}, held only as SHA-256
 * digests: a presented key is looked up by its digest, so neither a lookup's time nor a heap dump gives
 * a key away. Errors say where a bad key was written, never the key.
 */
public final class ApiKeys {

    /** What a key's name may be: it is passed to the backend in a header. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+~-]+");

    /** A key as written: its name ("" for a plain key), digest and where it was written. */
    public record Entry(String name, SecretDigest digest, String where) {}

    private final Map<SecretDigest, String> names;

    private ApiKeys(Map<SecretDigest, String> names) {
        this.names = names;
    }

    /** The name of {@code presented} ("" for a plain key), or null when it is not one of the keys. */
    public String nameOf(String presented) {
        return names.get(SecretDigest.of(presented));
    }

    int size() {
        return names.size();
    }

    /** The keys, each once; {@code namesRequired} when the name is passed to the backend. */
    public static ApiKeys of(List<Entry> entries, boolean namesRequired) {
        Map<SecretDigest, String> names = new HashMap<>();
        Map<SecretDigest, String> where = new HashMap<>();
        for (Entry e : entries) {
            if (namesRequired && e.name().isEmpty()) {
                throw new IllegalArgumentException(e.where() + ": the key has no name, and identityHeader passes"
                        + " one to the backend (write name:key)");
            }
            String first = where.putIfAbsent(e.digest(), e.where());
            if (first != null) {
                throw new IllegalArgumentException(e.where() + " repeats the key of " + first);
            }
            names.put(e.digest(), e.name());
        }
        return new ApiKeys(Map.copyOf(names));
    }

    /** The keys of a setting: comma-separated {@code name:key} or {@code key}. */
    public static List<Entry> fromSetting(String value) {
        List<Entry> entries = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return entries;
        }
        String[] items = value.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (!item.isEmpty()) {
                entries.add(entry(item, "keys entry " + (i + 1)));
            }
        }
        return entries;
    }

    /** The keys of a file: one a line, {@code #} comments and blank lines skipped. */
    public static List<Entry> fromLines(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.isEmpty() && line.charAt(0) != '#') {
                entries.add(entry(line, "line " + (i + 1)));
            }
        }
        return entries;
    }

    private static Entry entry(String text, String where) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? "" : text.substring(0, colon).trim();
        String key = colon < 0 ? text : text.substring(colon + 1).trim();
        if (colon >= 0 && !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": the name before ':' may only have letters, digits and"
                    + " . _ @ + ~ - (a key that contains ':' needs a name: name:key)");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException(where + ": the key is empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(where + ": the key has a space or control character");
            }
        }
        return new Entry(name, SecretDigest.of(key), where);
    }
}
