package io.serai.cli;

import io.serai.cli.CommandLine.Action;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    @Test
    void noArgumentsStartsSerai() {
        assertEquals(Action.RUN, CommandLine.parse().action());
    }

    @Test
    void checkTakesEveryPathThatFollows() {
        CommandLine check = CommandLine.parse("--check", "routes/", "a.camel.yaml,b.camel.yaml");
        assertEquals(Action.CHECK, check.action());
        assertEquals(List.of("routes/", "a.camel.yaml,b.camel.yaml"), check.paths());
        assertEquals(List.of(), CommandLine.parse("--check").paths());
    }

    @Test
    void helpAndVersionWinOverCamelMainsOwnHelp() {
        assertEquals(Action.HELP, CommandLine.parse("-h").action());
        assertEquals(Action.HELP, CommandLine.parse("-help").action());
        assertEquals(Action.HELP, CommandLine.parse("--help").action());
        assertEquals(Action.VERSION, CommandLine.parse("--version").action());
    }

    @Test
    void camelMainsSingleDashOptionsArePassedOn() {
        CommandLine run = CommandLine.parse("-d", "60", "-t");
        assertEquals(Action.RUN, run.action());
        assertEquals(List.of("-d", "60", "-t"), run.camelArgs());
    }

    @Test
    void anUnknownFlagOrAStrayArgumentIsAUsageError() {
        assertTrue(assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("--chek"))
                .getMessage()
                .contains("--chek"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("routes/"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("--version", "x"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("--check", "--version"));
    }

    @Test
    void theUsageNamesEveryFlagTheVariablesAndTheSettingsTable() {
        String usage = Usage.text();
        for (String expected :
                new String[] {"--check", "--version", "--help", "SERAI_ROUTES", "SERAI_PLUGINS", "Settings"}) {
            assertTrue(usage.contains(expected), expected + " missing from:\n" + usage);
        }
    }
}
