package io.serai.camel;

import org.apache.camel.Channel;
import org.apache.camel.DelegateProcessor;
import org.apache.camel.EndpointAware;
import org.apache.camel.Navigate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one walk over a route's processors, through Camel's channel and delegate wrappers, for the few
 * questions only the built route can answer (which balancer a breaker guards, which endpoint a balancer's
 * output sends to). Used when routes start, never per request. Camel has no public "find processors of a
 * type" API, so this is ours: breadth first, each node once, at most {@value #MAX_NODES} nodes.
 */
public final class ProcessorGraph {

    private static final int MAX_NODES = 1_000;

    private ProcessorGraph() {}

    /** The first processor of the type, breadth first from the root (itself included), or null. */
    public static <T> T first(Object root, Class<T> type) {
        List<T> found = walk(root, type, true);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every processor of the type below the root (itself included), breadth first. */
    public static <T> List<T> all(Object root, Class<T> type) {
        return walk(root, type, false);
    }

    /** The endpoint of the type that the first sending processor below the root sends to, or null. */
    public static <T> T endpointOf(Object root, Class<T> type) {
        for (EndpointAware aware : all(root, EndpointAware.class)) {
            if (type.isInstance(aware.getEndpoint())) {
                return type.cast(aware.getEndpoint());
            }
        }
        return null;
    }

    private static <T> List<T> walk(Object root, Class<T> type, boolean firstOnly) {
        List<T> found = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        if (root != null) {
            todo.add(root);
        }
        while (!todo.isEmpty() && seen.size() < MAX_NODES) {
            Object node = todo.poll();
            if (!seen.add(node)) {
                continue;
            }
            if (type.isInstance(node)) {
                found.add(type.cast(node));
                if (firstOnly) {
                    return found;
                }
            }
            if (node instanceof Channel channel && channel.getNextProcessor() != null) {
                todo.add(channel.getNextProcessor());
            }
            if (node instanceof DelegateProcessor delegate && delegate.getProcessor() != null) {
                todo.add(delegate.getProcessor());
            }
            if (node instanceof Navigate<?> navigate && navigate.hasNext() && navigate.next() != null) {
                for (Object next : navigate.next()) {
                    if (next != null) {
                        todo.add(next);
                    }
                }
            }
        }
        return found;
    }
}
