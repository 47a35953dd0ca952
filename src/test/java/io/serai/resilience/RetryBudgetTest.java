package io.serai.resilience;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The retry budget (Finagle's RetryBudget, Linkerd's retryBudget): over the last window seconds, retries
 * may be at most ratio times the requests plus minPerSecond for each second of the window. The budget
 * takes the time as an argument, so each row drives its own clock.
 */
@Timeout(10)
class RetryBudgetTest {

    private static final long T0 = 1_000_000_000_000_000L;

    /**
     * The script: {@code 10r@0} is ten requests at second 0, {@code t@3} one retry asked for at second 3;
     * {@code retries} is Y or N for each retry asked for, in order.
     */
    @ParameterizedTest(name = "[{index}] {4}: ratio {0} min {1}/s window {2}s, {3} -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # ratio | min/s | window s | script                                 | what it shows                              | retries
            0.2     | 0     | 10       | 10r@0 t@0 t@0 t@0                      | a fifth of the requests                     | YYN
            0.2     | 0     | 10       | t@0                                    | no requests, no minimum: no retry           | N
            0       | 1     | 10       | t@0 t@0 t@0 t@0 t@0 t@0 t@0 t@0 t@0 t@0 t@0 | the minimum is per second of the window | YYYYYYYYYYN
            0.2     | 0     | 10       | 10r@0 t@0 t@0 t@0 5r@1 t@1 t@1         | a refusal costs nothing; new requests add   | YYNYN
            0.2     | 0     | 10       | 10r@0 t@9 t@9                          | requests count for the whole window         | YY
            0.2     | 0     | 10       | 10r@0 t@10                             | and no longer                               | N
            0.2     | 0     | 10       | 10r@0 t@15                             | nor after a quiet spell                     | N
            0.2     | 0     | 10       | 10r@0 t@0 t@0 10r@10 t@10 t@10 t@10    | retries leave the window with their second  | YYYYN
            0.5     | 0     | 2        | 4r@0 t@0 t@0 t@1 4r@2 t@2 t@2 t@2      | a reused bucket forgets its older second    | YYNYYN
            """)
    void retriesStayWithinTheRatioOfRecentRequestsPlusTheMinimum(
            double ratio, int minPerSecond, int window, String script, String what, String retries) {
        RetryBudget budget = new RetryBudget(ratio, minPerSecond, window);
        StringBuilder seen = new StringBuilder();
        for (String step : script.split(" ")) {
            int at = step.indexOf('@');
            long now = T0 + Long.parseLong(step.substring(at + 1)) * 1_000_000_000L;
            if (step.charAt(at - 1) == 'r') {
                for (int i = Integer.parseInt(step.substring(0, at - 1)); i > 0; i--) {
                    budget.request(now);
                }
            } else {
                seen.append(budget.tryRetry(now) ? 'Y' : 'N');
            }
        }
        assertEquals(retries, seen.toString(), what);
    }
}
