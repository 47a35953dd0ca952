package io.serai.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The calls of one aggregated request, by their position in the route; a call that never came back fails. */
final class CallResults {
    private final Map<Integer, CallResult> byIndex = new ConcurrentHashMap<>();
    private volatile int total;

    void put(int index, CallResult result) {
        byIndex.put(index, result);
    }

    void total(int n) {
        total = Math.max(total, n);
    }

    synchronized List<CallResult> inOrder() {
        int n = Math.max(
                total, byIndex.keySet().stream().mapToInt(i -> i + 1).max().orElse(0));
        ArrayList<CallResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CallResult r = byIndex.get(i);
            out.add(r != null ? r : CallResult.failed("call " + (i + 1), CallOptions.NONE, "no answer", true));
        }
        return out;
    }
}
