package io.serai.cli;

import java.util.Arrays;
import java.util.List;

/**
 * What {@code java -jar serai.jar ARGS} asks for. Serai's own flags start with {@code --} (and {@code -h});
 * with none of them, the arguments go to Camel Main as before (its single-dash options such as
 * {@code -d 60} or {@code -t}).
 *
 * @param paths for {@link Action#CHECK}: the route files and folders given, as SERAI_ROUTES takes them
 * @param camelArgs for {@link Action#RUN}: the arguments for Camel Main
 */
public record CommandLine(Action action, List<String> paths, List<String> camelArgs) {

    public enum Action {
        RUN,
        CHECK,
        VERSION,
        HELP
    }

    /** Reads {@code args}; an unknown flag or a misplaced argument is a {@link UsageException}. */
    public static CommandLine parse(String... args) {
        if (args.length == 0) {
            return new CommandLine(Action.RUN, List.of(), List.of());
        }
        String first = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (first) {
            case "--check":
                for (String path : rest) {
                    if (path.startsWith("-")) {
                        throw new UsageException("--check takes route files and folders, not " + path);
                    }
                }
                return new CommandLine(Action.CHECK, List.copyOf(rest), List.of());
            case "--version":
                return alone(Action.VERSION, first, rest);
            case "--help", "-h", "-help":
                return alone(Action.HELP, first, rest);
            default:
                if (first.startsWith("--") || !first.startsWith("-")) {
                    throw new UsageException("unknown option " + first);
                }
                return new CommandLine(Action.RUN, List.of(), List.of(args));
        }
    }

    private static CommandLine alone(Action action, String flag, List<String> rest) {
        if (!rest.isEmpty()) {
            throw new UsageException(flag + " takes no arguments, not " + String.join(" ", rest));
        }
        return new CommandLine(action, List.of(), List.of());
    }

    /** The command line is not one Serai understands: say why, show the usage, exit 2. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }
}
