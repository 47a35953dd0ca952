package io.serai.settings;

import java.nio.file.Path;
import java.util.List;

/**
 * Whether watched files changed since they were last read, counting a change only once it has held
 * still for one look: a file rewritten in place is first empty, then half written, and a version read
 * then would be taken for the new one (an empty key file that admits nobody, a truncated key). The new
 * version is read one interval after it was first seen, as Traefik's file provider debounces its
 * events. Stamped before reading, so a change while reading is seen by the next look.
 */
public final class FileChanges {

    private final List<Path> files;
    private List<WatchedFiles.Stamp> read;
    private List<WatchedFiles.Stamp> seen;

    /** Watches {@code files} as they are now, which the caller reads next. */
    public FileChanges(List<Path> files) {
        this.files = List.copyOf(files);
        this.read = WatchedFiles.stamp(this.files);
        this.seen = read;
    }

    /**
     * True once: when the files differ from the version last read and have not changed since the
     * previous look. The caller then reads them; a version that does not load is not read again until
     * the files change once more.
     */
    public synchronized boolean settledChange() {
        List<WatchedFiles.Stamp> now = WatchedFiles.stamp(files);
        boolean settled = now.equals(seen);
        seen = now;
        if (!settled || now.equals(read)) {
            return false;
        }
        read = now;
        return true;
    }

    public List<Path> files() {
        return files;
    }
}
