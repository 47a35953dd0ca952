package io.serai.ingress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Adds what a backend behind a proxy needs to know about the original request (X-Forwarded-For,
 * X-Forwarded-Proto, X-Forwarded-Host) and Serai's hop in Via (RFC 9110 section 7.6.3).
 * Proto and Host are Serai's own observation and replace whatever the client claimed; For is
 * appended to, as nginx's $proxy_add_x_forwarded_for does.
 */
public final class ForwardingHeaders {

    private ForwardingHeaders() {
    }

    public static void apply(Map<String, Object> headers, SocketAddress client, boolean tls, String host,
            String protocolVersion, String viaName) {
        if (client instanceof InetSocketAddress inet) {
            String address = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            headers.put("X-Forwarded-For", appended(headers.get("X-Forwarded-For"), address));
        }
        headers.put("X-Forwarded-Proto", tls ? "https" : "http");
        if (host != null) {
            headers.put("X-Forwarded-Host", host);
        } else {
            headers.remove("X-Forwarded-Host");
        }
        headers.put("Via", appended(headers.get("Via"), via(protocolVersion, viaName)));
    }

    public static boolean isForwardingHeader(String name) {
        return name.equalsIgnoreCase("X-Forwarded-For") || name.equalsIgnoreCase("X-Forwarded-Proto")
                || name.equalsIgnoreCase("X-Forwarded-Host") || name.equalsIgnoreCase("Via");
    }

    /** One Via entry, e.g. "1.1 serai" for an HTTP/1.1 message. */
    public static String via(String protocolVersion, String viaName) {
        return protocolVersion + " " + viaName;
    }

    public static String appended(Object existing, String value) {
        if (existing == null) {
            return value;
        }
        if (existing instanceof List<?> list) {
            StringBuilder joined = new StringBuilder();
            for (Object item : list) {
                joined.append(item).append(", ");
            }
            return joined.append(value).toString();
        }
        String text = existing.toString();
        return text.isBlank() ? value : text + ", " + value;
    }
}
