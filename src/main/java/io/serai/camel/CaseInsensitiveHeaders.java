package io.serai.camel;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A message's headers: names compared without case as Camel's own {@code CaseInsensitiveMap} compares them
 * ({@link String#equalsIgnoreCase}), kept in insertion order, found by a case-insensitive hash instead of
 * a walk down a tree. A name keeps the case it was first put with.
 * <p>
 * Written by hand because Camel 4.18's map is a {@code TreeMap} whose every lookup compares names character
 * by character through their long shared prefixes ({@code CamelHttp...}, {@code CamelNetty...}): it was
 * the top frame of issue 22's profile. Camel 4.21 ships a hash table of its own for the same reason;
 * {@code camel-headersmap} (cedarsoftware's map), the older alternative, is not published for 4.18, and
 * Netty's {@code DefaultHeaders} is a multimap without an iterator that removes.
 * <p>
 * Layout: entries in arrays by position (insertion order; a removed entry leaves a hole, dropped when
 * the arrays grow), and an open-addressing index from hash to position.
 * <p>
 * Long because: it is a whole {@link Map}, its entry set and iterator included.
 */
public final class CaseInsensitiveHeaders extends AbstractMap<String, Object> {

    private String[] keys;
    private Object[] values;
    private int[] hashes;
    /** Position + 1 of an entry, 0 for an empty slot; a slot whose entry was removed stays and is probed past. */
    private int[] index;

    private int used;
    private int size;
    /** Set once an insertion probed past {@link #LONG_PROBE} slots: many names share a sampled hash. */
    private boolean full;

    // Not SecureRandom: its providers would load at start; an attacker still cannot know this seed.
    private static final int SEED =
            java.util.concurrent.ThreadLocalRandom.current().nextInt();
    private static final int LONG_PROBE = 8;

    public CaseInsensitiveHeaders() {
        // A proxied request's message holds about a dozen: Camel's own, the client's and the forwarding fields.
        allocate(16);
    }

    public CaseInsensitiveHeaders(Map<? extends String, ?> headers) {
        allocate(Math.max(16, Integer.highestOneBit(Math.max(1, headers.size()) * 2 - 1) * 2));
        putAll(headers);
    }

    private void allocate(int capacity) {
        keys = new String[capacity];
        values = new Object[capacity];
        hashes = new int[capacity];
        index = new int[capacity * 2];
        used = 0;
        size = 0;
    }

    /**
     * The length and five characters (first, last, and at a quarter, half and three quarters), each folded
     * as {@link String#equalsIgnoreCase} folds it, so names equal without case hash alike. A sample rather
     * than every character: names are hashed at every lookup (a String caches only its case-sensitive hash),
     * and two names of one length that agree at all five places are told apart by the comparison after.
     */
    static int sampledHash(String name) {
        int n = name.length();
        if (n == 0) {
            return 0;
        }
        int h = n;
        h = 31 * h + fold(name.charAt(0));
        h = 31 * h + fold(name.charAt(n >> 2));
        h = 31 * h + fold(name.charAt(n >> 1));
        h = 31 * h + fold(name.charAt(n - 1 - (n >> 2)));
        h = 31 * h + fold(name.charAt(n - 1));
        return h ^ (h >>> 16);
    }

    /** Every character, from a seed drawn at start: names a client chose to collide do not collide here. */
    static int fullHash(String name) {
        int h = SEED;
        for (int i = 0, n = name.length(); i < n; i++) {
            h = (h ^ fold(name.charAt(i))) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private int hash(String name) {
        return full ? fullHash(name) : sampledHash(name);
    }

    private static int fold(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c + ('a' - 'A');
        }
        return c < 0x80 ? c : Character.toLowerCase(Character.toUpperCase(c));
    }

    /** The position of {@code name}'s entry, or -1. */
    private int find(Object name) {
        if (!(name instanceof String key)) {
            Objects.requireNonNull(name);
            return -1;
        }
        int h = hash(key);
        int mask = index.length - 1;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int at = index[slot] - 1;
            if (at < 0) {
                return -1;
            }
            String k = keys[at];
            if (k != null && hashes[at] == h && (k == key || k.equalsIgnoreCase(key))) {
                return at;
            }
        }
    }

    @Override
    public Object get(Object name) {
        int at = find(name);
        return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object name) {
        return find(name) >= 0;
    }

    @Override
    public Object put(String name, Object value) {
        int at = find(name);
        if (at >= 0) {
            Object old = values[at];
            values[at] = value;
            return old;
        }
        if (used == keys.length) {
            rehash(size * 2 >= keys.length ? keys.length * 2 : keys.length);
        }
        int h = hash(name);
        at = used++;
        keys[at] = name;
        values[at] = value;
        hashes[at] = h;
        size++;
        if (!place(h, at) && !full) {
            // Names that agree where the sampled hash looks (a client can choose such names): hash them whole.
            full = true;
            rehash(keys.length);
        }
        return null;
    }

    /** False when the slot was found past {@link #LONG_PROBE} others. */
    private boolean place(int h, int at) {
        int mask = index.length - 1;
        int slot = h & mask;
        int probes = 0;
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
            probes++;
        }
        index[slot] = at + 1;
        return probes <= LONG_PROBE;
    }

    /** New arrays of {@code capacity} with the live entries in their order, holes dropped. */
    private void rehash(int capacity) {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldHashes = hashes;
        int oldUsed = used;
        allocate(capacity);
        for (int i = 0; i < oldUsed; i++) {
            if (oldKeys[i] != null) {
                int h = full ? fullHash(oldKeys[i]) : oldHashes[i];
                keys[used] = oldKeys[i];
                values[used] = oldValues[i];
                hashes[used] = h;
                place(h, used);
                used++;
            }
        }
        size = used;
    }

    @Override
    public Object remove(Object name) {
        int at = find(name);
        if (at < 0) {
            return null;
        }
        Object old = values[at];
        removeAt(at);
        return old;
    }

    private void removeAt(int at) {
        keys[at] = null;
        values[at] = null;
        size--;
        if (size == 0) {
            // Nothing left to find: start over, so holes and their index slots do not pile up.
            Arrays.fill(keys, 0, used, null);
            Arrays.fill(index, 0);
            used = 0;
        }
    }

    @Override
    public void clear() {
        Arrays.fill(keys, 0, used, null);
        Arrays.fill(values, 0, used, null);
        Arrays.fill(index, 0);
        used = 0;
        size = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public void clear() {
                CaseInsensitiveHeaders.this.clear();
            }
        };
    }

    /** Live entries in insertion order; each entry writes through to the map. */
    private final class Entries implements Iterator<Entry<String, Object>> {
        private int next = skipHoles(0);
        private int last = -1;

        private int skipHoles(int from) {
            while (from < used && keys[from] == null) {
                from++;
            }
            return from;
        }

        @Override
        public boolean hasNext() {
            return next < used;
        }

        @Override
        public Entry<String, Object> next() {
            if (next >= used) {
                throw new NoSuchElementException();
            }
            last = next;
            next = skipHoles(next + 1);
            return new Field(last, keys[last]);
        }

        @Override
        public void remove() {
            if (last < 0 || keys[last] == null) {
                throw new IllegalStateException();
            }
            removeAt(last);
            if (size == 0) {
                next = 0;
            }
            last = -1;
        }
    }

    private final class Field implements Entry<String, Object> {
        private final int at;
        private final String key;

        Field(int at, String key) {
            this.at = at;
            this.key = key;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return at < used && keys[at] == key ? values[at] : get(key);
        }

        @Override
        public Object setValue(Object value) {
            return put(key, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry<?, ?> e && key.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return key + "=" + getValue();
        }
    }
}
