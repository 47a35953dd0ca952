package io.serai.ingress;

import java.util.List;
import java.util.Locale;

/**
 * Which of the codings Serai offers a client's Accept-Encoding prefers (RFC 9110 section 12.5.3): the one
 * with the highest q-value, the first offered on a tie; {@code q=0} refuses a coding; {@code *} stands for
 * every coding the field does not name. Written here because Netty's {@code
 * HttpContentCompressor.determineEncoding} matches by substring and ignores {@code br;q=0} (it answers br
 * to {@code "br;q=0, gzip"}).
 */
final class ContentCodingChoice {

    private ContentCodingChoice() {}

    /** The coding to use from {@code offered} (in Serai's order of preference), or null: identity. */
    static String choose(String acceptEncoding, List<String> offered) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) {
            return null;
        }
        float[] q = new float[offered.size()];
        boolean[] named = new boolean[offered.size()];
        float star = -1;
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.split(";");
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            float weight = weight(parts);
            if (coding.equals("*")) {
                star = weight;
            } else if (coding.equals("x-gzip")) {
                coding = "gzip";
            }
            int i = offered.indexOf(coding);
            if (i >= 0) {
                q[i] = named[i] ? Math.max(q[i], weight) : weight;
                named[i] = true;
            }
        }
        String best = null;
        float bestQ = 0;
        for (int i = 0; i < offered.size(); i++) {
            float w = named[i] ? q[i] : Math.max(star, 0);
            if (w > bestQ) {
                best = offered.get(i);
                bestQ = w;
            }
        }
        return best;
    }

    private static float weight(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String p = parameters[i].trim();
            // An empty or invalid q-value counts as 0, as Netty's own parsing does.
            if (p.length() >= 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    float q = Float.parseFloat(p.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
