package io.serai.reload;

import java.nio.file.Path;

/** A route file that does not parse or does not validate, with where and why, in one line. */
public class RouteFileException extends Exception {

    private final Path file;
    private final int line;
    private final String reason;

    public RouteFileException(Path file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause, false, false);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }

    public Path file() {
        return file;
    }

    /** 1-based line of the problem, or 0 when the parser did not say. */
    public int line() {
        return line;
    }
}
