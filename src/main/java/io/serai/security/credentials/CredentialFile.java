package io.serai.security.credentials;

import io.serai.camel.SharedSchedulers;
import io.serai.settings.FileChanges;
import io.serai.settings.WatchedFiles;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A file of credentials (API keys, users and password hashes), read when a check starts and read again
 * when it changes on disk and then holds still ({@link FileChanges}, {@link WatchedFiles}), looked at every interval on one background thread
 * that the CamelContext's credential files share. A version that does not parse is logged and the
 * previous one stays. Parse errors name the file and line, never a secret.
 */
public final class CredentialFile<T> {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialFile.class);
    private static final String WATCHER = "serai-credential-files";

    private final String setting;
    private final Path path;
    private final Function<List<String>, T> parser;
    private volatile T current;
    private final FileChanges changes;
    private ScheduledFuture<?> watching;

    /**
     * Reads {@code path} now; {@code setting} (e.g. {@code api key check keysFile}) names it in errors.
     * {@code parser} gets the lines and throws IllegalArgumentException naming a line (counted from 1).
     */
    public CredentialFile(String setting, Path path, Function<List<String>, T> parser) {
        this.setting = setting;
        this.path = path;
        this.parser = parser;
        this.changes = new FileChanges(List.of(path));
        this.current = load();
    }

    public T current() {
        return current;
    }

    /**
     * Looks at the file every {@code every} from now on, until {@link #stopWatching()}, on the thread that
     * all credential files of {@code context} share.
     */
    public synchronized void watch(CamelContext context, Duration every) {
        stopWatching();
        long millis = Math.max(every.toMillis(), 1);
        ScheduledExecutorService watcher = SharedSchedulers.of(context, WATCHER);
        watching = watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
    }

    public synchronized void stopWatching() {
        if (watching != null) {
            watching.cancel(false);
            watching = null;
        }
    }

    private void reloadIfChanged() {
        if (!changes.settledChange()) {
            return;
        }
        try {
            current = load();
            LOG.info("{} {} reloaded", setting, path);
        } catch (RuntimeException e) {
            LOG.error("Not reloaded, the previous version stays: {}", e.getMessage());
        }
    }

    private T load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(setting + ": " + path + " does not exist");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(setting + ": " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + path + " cannot be read: " + e.getMessage());
        }
        try {
            return parser.apply(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + path + " " + e.getMessage(), e);
        }
    }
}
