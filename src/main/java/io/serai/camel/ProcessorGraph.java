package io.serai.camel;

import org.apache.camel.Channel;
import org.apache.camel.DelegateProcessor;
import org.apache.camel.Navigate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one walk down a route's processors that Serai still makes: through Camel's {@link Navigate}
 * children, {@link Channel} wrappers and {@link DelegateProcessor}s, breadth first (the nearest match
 * first), at most {@value #MAX_DEPTH} levels deep. Options should reach a processor when Camel builds
 * the route; this is for what can only be found afterwards.
 */
public final class ProcessorGraph {

    /** Deeper than any route Serai builds: a step, its channel, a policy's wrapper, a pipeline, and so on. */
    private static final int MAX_DEPTH = 16;

    private ProcessorGraph() {
    }

    /** The first processor of {@code type} at or below {@code root}, nearest first; null when none. */
    public static <T> T first(Object root, Class<T> type) {
        List<T> found = walk(root, type, true);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every processor of {@code type} at or below {@code root}, nearest first; a match is not searched further. */
    public static <T> List<T> all(Object root, Class<T> type) {
        return walk(root, type, false);
    }

    private static <T> List<T> walk(Object root, Class<T> type, boolean firstOnly) {
        List<T> found = new ArrayList<>();
        // A channel is also a delegate and a Navigate: the same child is reached more than once.
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> level = new ArrayList<>();
        if (root != null) {
            level.add(root);
        }
        for (int depth = 0; depth <= MAX_DEPTH && !level.isEmpty(); depth++) {
            List<Object> below = new ArrayList<>();
            for (Object node : level) {
                if (!seen.add(node)) {
                    continue;
                }
                if (type.isInstance(node)) {
                    found.add(type.cast(node));
                    if (firstOnly) {
                        return found;
                    }
                    continue;
                }
                children(node, below);
            }
            level = below;
        }
        return found;
    }

    private static void children(Object node, List<Object> out) {
        if (node instanceof Channel channel && channel.getNextProcessor() != null) {
            out.add(channel.getNextProcessor());
        }
        if (node instanceof DelegateProcessor delegate && delegate.getProcessor() != null) {
            out.add(delegate.getProcessor());
        }
        if (node instanceof Navigate<?> navigate && navigate.hasNext() && navigate.next() != null) {
            for (Object child : navigate.next()) {
                if (child != null) {
                    out.add(child);
                }
            }
        }
    }
}
