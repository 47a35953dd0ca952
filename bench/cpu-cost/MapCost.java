import io.serai.camel.CaseInsensitiveHeaders;
import org.apache.camel.util.CaseInsensitiveMap;

import java.util.Map;
import java.util.function.Supplier;

/** The header-map operations of one proxied request, roughly as Serai does them. */
public class MapCost {
    static final String[] CAMEL = {
        "CamelNettyChannelHandlerContext",
        "CamelNettyRemoteAddress",
        "CamelNettyLocalAddress",
        "CamelHttpMethod",
        "CamelHttpUri",
        "CamelHttpPath"
    };
    static final String[] REQ = {
        "Host",
        "User-Agent",
        "Accept",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Forwarded-Port",
        "Via",
        "X-Request-Id"
    };
    static final String[] RESP = {
        "Server", "Date", "Content-Type", "Content-Length", "Via", "CamelHttpResponseCode", "CamelHttpResponseText"
    };
    static final String[] LOOKUPS = {
        "CamelHttpMethod",
        "CamelHttpPath",
        "CamelHttpRawQuery",
        "CamelHttpQuery",
        "Host",
        "CamelHttpResponseCode",
        "Via",
        "X-Forwarded-For",
        "Cache-Status",
        "Serai-Completed",
        "CamelNettyChannelHandlerContext",
        "Content-Type"
    };
    static long sink;

    static void request(Map<String, Object> h) {
        for (String n : CAMEL) h.put(n, n);
        for (String n : REQ) {
            String k = new String(n);
            if (h.get(k) == null) h.put(k, "v");
        }
        for (String n : LOOKUPS) if (h.get(n) != null) sink++;
        for (Map.Entry<String, Object> e : h.entrySet()) sink += e.getKey().length();
        Object ctx = h.get("CamelNettyChannelHandlerContext");
        h.clear();
        h.put("CamelNettyChannelHandlerContext", ctx);
        for (String n : RESP) {
            String k = new String(n);
            if (h.get(k) == null) h.put(k, "v");
        }
        for (String n : LOOKUPS) if (h.get(n) != null) sink++;
        for (Map.Entry<String, Object> e : h.entrySet()) sink += e.getKey().length();
    }

    public static void main(String[] a) {
        Supplier<Map<String, Object>> tree = CaseInsensitiveMap::new, hashed = CaseInsensitiveHeaders::new;
        for (int round = 0; round < 5; round++) {
            for (Supplier<Map<String, Object>> s : java.util.List.of(tree, hashed)) {
                int n = 2_000_000;
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) request(s.get());
                System.out.printf(
                        "%s %.0f ns per request%n",
                        s == tree ? "CaseInsensitiveMap (TreeMap)" : "CaseInsensitiveHeaders",
                        (System.nanoTime() - t) / (double) n);
            }
        }
    }
}
