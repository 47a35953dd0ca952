package io.serai.balancing;

import java.util.Arrays;

/** The {@code weights} option of a load balancer: one positive number per member, in route order. */
final class MemberWeights {

    private MemberWeights() {}

    /** Member weights from {@code 4,2,1}: one positive number per output, every member 1 when unset. */
    static double[] parse(String weights, int outputs) {
        double[] w = new double[outputs];
        Arrays.fill(w, 1.0);
        if (weights == null || weights.isBlank()) {
            return w;
        }
        String[] parts = weights.split(",");
        if (parts.length != outputs) {
            throw new IllegalArgumentException("load balancer weights \"" + weights + "\" have " + parts.length
                    + " values but the load balancer has " + outputs + " members: give one weight per member");
        }
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                w[i] = -1;
            }
            if (!(w[i] > 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException("load balancer weights \"" + weights + "\": \"" + parts[i].trim()
                        + "\" is not a positive number");
            }
        }
        return w;
    }
}
