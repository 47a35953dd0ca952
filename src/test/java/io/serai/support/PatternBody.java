package io.serai.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Bodies of any size, made and checked as they pass and never held whole: byte i is i mod 251. The
 * period is a prime that no buffer size divides, so a piece lost, repeated or reordered on the way shows.
 */
public final class PatternBody {

    private static final int PERIOD = 251;
    /** A whole number of periods, about 64 KiB: written back to back, blocks continue the pattern. */
    private static final int BLOCK = PERIOD * 261;
    /** One period more than a block, so that a run of a block's length starts at any phase. */
    private static final byte[] PATTERN = new byte[BLOCK + PERIOD];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PERIOD);
        }
    }

    private PatternBody() {}

    /** Writes the first {@code n} bytes of the pattern. */
    public static void write(OutputStream out, long n) throws IOException {
        for (long left = n; left > 0; ) {
            int len = (int) Math.min(BLOCK, left);
            out.write(PATTERN, 0, len);
            left -= len;
        }
    }

    /** Reads {@code in} to its end, checking each piece against the pattern as it arrives. */
    public static Check read(InputStream in) throws IOException {
        Check check = new Check();
        byte[] buf = new byte[BLOCK];
        int r;
        while ((r = in.read(buf)) != -1) {
            check.accept(buf, r);
        }
        return check;
    }

    /** A running check of one body: how many bytes came and whether every one was the pattern's. */
    public static final class Check {
        private long bytes;
        private boolean intact = true;

        public void accept(byte[] buf, int len) {
            int phase = (int) (bytes % PERIOD);
            for (int done = 0; done < len && intact; ) {
                int run = Math.min(len - done, PATTERN.length - phase);
                intact = Arrays.mismatch(buf, done, done + run, PATTERN, phase, phase + run) < 0;
                done += run;
                phase = (phase + run) % PERIOD;
            }
            bytes += len;
        }

        public long bytes() {
            return bytes;
        }

        /** True when every byte so far was the pattern's byte at its place. */
        public boolean intact() {
            return intact;
        }
    }
}
