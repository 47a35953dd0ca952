package io.serai.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the certificate watchers (listeners' and backends') compare to see that PEM files were
 * replaced, and how they word a file that does not load.
 */
final class PemFileChanges {

    private PemFileChanges() {
    }

    /** What changes when a file is replaced: its modification time and size (or that it is gone). */
    static String stamp(List<Path> files) {
        StringBuilder s = new StringBuilder();
        for (Path p : files) {
            try {
                s.append(p).append(Files.getLastModifiedTime(p).toMillis()).append(Files.size(p)).append(';');
            } catch (IOException e) {
                s.append(p).append(" missing;");
            }
        }
        return s.toString();
    }

    /** The innermost cause's message: what is wrong with the file, without the layers around it. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
