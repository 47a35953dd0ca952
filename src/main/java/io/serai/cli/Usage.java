package io.serai.cli;

/** The text of {@code --help}, also shown (on stderr) after a command line Serai did not understand. */
public final class Usage {

    private Usage() {}

    public static String text() {
        return """
                Usage: java [@jvm.options] [-Dkey=value ...] -jar serai.jar [OPTION]

                With no option, Serai starts: it serves the route files of SERAI_ROUTES.

                Options:
                  --check [PATH...]  Load every route file as a start would, start nothing (no port bound, no
                                     backend contacted) and report: exit 0 with
                                     "serai: N route file(s), M route(s) OK", or exit 1 with one line per problem,
                                     "file:line: route id: message", on stderr. Each PATH is checked as one
                                     start with SERAI_ROUTES=PATH would be: a *.camel.yaml file, a folder
                                     of them or a comma-separated list. Default: SERAI_ROUTES.
                  --version          Serai's, Camel's and Java's versions.
                  --help, -h         This text.
                  Camel Main's own options (-d SECONDS, -t, -pl LOCATIONS, ...) are passed on when Serai starts.

                Environment:
                  SERAI_ROUTES       Route files: a *.camel.yaml file, a folder of them or a comma-separated
                                     list (default routes/).
                  SERAI_PLUGINS      Folder of plugin jars for beans and components the routes use
                                     (default plugins/).
                  SERAI_X_Y          Any setting serai.x.y, as does -Dserai.x.y=value (e.g. SERAI_PORT=9000).

                Settings: the "Settings" table of README.md; every key with its default and a comment is in
                application.properties (inside the jar: src/main/resources/application.properties).

                Exit codes: 0 OK; 1 --check found problems; 2 a usage or settings error.
                """;
    }
}
