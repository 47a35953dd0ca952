package io.serai.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux process's resident memory as the kernel counts it (/proc/PID/status): VmRSS now and VmHWM, its
 * peak, which {@link #resetPeak()} brings back to the current RSS so that the peak of one test case can be
 * read exactly, however short the spike.
 */
public final class ResidentMemory {

    private final Path proc;

    private ResidentMemory(long pid) {
        this.proc = Path.of("/proc", Long.toString(pid));
    }

    public static ResidentMemory of(long pid) {
        return new ResidentMemory(pid);
    }

    /** Resident bytes now (VmRSS). */
    public long now() throws IOException {
        return field("VmRSS:");
    }

    /** The most resident bytes since the start or the last {@link #resetPeak()} (VmHWM). */
    public long peak() throws IOException {
        return field("VmHWM:");
    }

    /** Sets the peak to the current RSS (proc(5): writing 5 to clear_refs). */
    public void resetPeak() throws IOException {
        Files.writeString(proc.resolve("clear_refs"), "5");
    }

    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private long field(String name) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IOException(name + " not in " + proc.resolve("status"));
    }
}
