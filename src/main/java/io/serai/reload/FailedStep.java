package io.serai.reload;

import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

import java.util.List;

/**
 * The line of the step Camel refused, so that a problem points at the step and not only at its route: Camel
 * names the step it could not create in its message as {@code >>> To[uri] <<<}, the definition's own text.
 * A refusal that names no step (a listener's, or one raised while the route's services initialise) points
 * at the route.
 */
final class FailedStep {

    private FailedStep() {}

    /** 1-based line of the refused step, else of the route; 0 if unknown. */
    static int line(Throwable failure, RouteDefinition route) {
        String step = named(failure);
        int line = step == null ? 0 : find(route.getOutputs(), step);
        return line > 0 ? line : Math.max(route.getLineNumber(), 0);
    }

    private static String named(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage();
            int from = message == null ? -1 : message.indexOf(">>> ");
            int to = from < 0 ? -1 : message.indexOf(" <<<", from);
            if (to > 0) {
                return message.substring(from + 4, to);
            }
        }
        return null;
    }

    private static int find(List<ProcessorDefinition<?>> steps, String text) {
        for (ProcessorDefinition<?> step : steps) {
            if (text.equals(step.toString()) && step.getLineNumber() > 0) {
                return step.getLineNumber();
            }
            int inner = find(step.getOutputs(), text);
            if (inner > 0) {
                return inner;
            }
        }
        return 0;
    }
}
