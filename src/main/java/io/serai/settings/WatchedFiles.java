package io.serai.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What the watchers of files Serai re-reads when they change (listeners' and backends' certificates,
 * credential files) compare to see that a file was replaced, and how they word one that does not load.
 * They poll rather than use file watch events, because a Kubernetes secret is replaced by swapping a
 * symlink, which watch events do not reliably report.
 */
public final class WatchedFiles {

    private WatchedFiles() {}

    /**
     * What changes when one of {@code files} is replaced: its modification time, size and identity
     * (a swapped symlink's new target), or that it is gone. Equal stamps mean nothing changed.
     */
    public static List<Stamp> stamp(List<Path> files) {
        List<Stamp> stamps = new ArrayList<>(files.size());
        for (Path p : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                stamps.add(new Stamp(p, a.lastModifiedTime(), a.size(), a.fileKey()));
            } catch (IOException e) {
                stamps.add(new Stamp(p, null, -1, null));
            }
        }
        return List.copyOf(stamps);
    }

    public record Stamp(Path file, FileTime modified, long size, Object key) {}

    /** The innermost cause's message: what is wrong with the file, without the layers around it. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
