package io.serai.ingress;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.serai.http.ClientRequest;
import io.serai.http.FoldedNames;
import io.serai.http.ResolvedClient;
import io.serai.http.Via;
import io.serai.settings.ProxySettings;
import org.apache.camel.Exchange;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.serai.ingress.ForwardingFields.FORWARDED;
import static io.serai.ingress.ForwardingFields.NAMES;
import static io.serai.ingress.ForwardingFields.X_FORWARDED_CLIENT_CERT;
import static io.serai.ingress.ForwardingFields.X_FORWARDED_HOST;
import static io.serai.ingress.ForwardingFields.X_FORWARDED_PORT;
import static io.serai.ingress.ForwardingFields.X_FORWARDED_PREFIX;
import static io.serai.ingress.ForwardingFields.X_FORWARDED_PROTO;
import static io.serai.ingress.ForwardingFields.X_ORIGINAL_URL;
import static io.serai.ingress.ForwardingFields.X_REAL_IP;
import static io.serai.ingress.ForwardingFields.X_REWRITE_URL;

/**
 * What a backend behind Serai may believe about the original request, decided once per request.
 * The client is the connection's peer, or, when the peer is one of {@code serai.trusted-proxies}, the
 * address its X-Forwarded-For names ({@link TrustedProxies}); that decision is the exchange's
 * {@link ResolvedClient}. From a peer that is not trusted, the forwarding fields it sent are its own
 * claims and are dropped ({@link ForwardingFields}); X-Forwarded-For becomes the peer alone, and
 * X-Forwarded-Proto, -Host and -Port are Serai's own observation. From a trusted proxy they are kept
 * and extended: X-Forwarded-For and Forwarded get the peer appended (as nginx's
 * $proxy_add_x_forwarded_for), the proxy's X-Forwarded-Proto, -Host and -Port stand. A spelling with
 * {@code _} for {@code -} ({@code X_Forwarded_For}) is dropped from everyone ({@link FoldedNames}).
 * Via gets Serai's hop (RFC 9110 section 7.6.3).
 */
public final class ForwardingHeaders {

    /** Dropped from a peer that is not trusted; the rest of the fields are replaced by Serai's own. */
    private static final int CLAIMS_ONLY =
            FORWARDED | X_REAL_IP | X_FORWARDED_PREFIX | X_ORIGINAL_URL | X_REWRITE_URL | X_FORWARDED_CLIENT_CERT;

    private static final String XFF = "X-Forwarded-For";
    private static final String XF_PROTO = "X-Forwarded-Proto";
    private static final String XF_HOST = "X-Forwarded-Host";
    private static final String XF_PORT = "X-Forwarded-Port";
    private static final String FORWARDED_FIELD = "Forwarded";

    private ForwardingHeaders() {}

    /**
     * Resolves the client of {@code request} into the exchange's {@link ResolvedClient} and states the
     * forwarding fields in {@code headers}, the message the backend will receive ({@code Host} already
     * final). {@code tls}: whether the client's connection is TLS.
     */
    public static void apply(
            Exchange exchange,
            HttpRequest request,
            Map<String, Object> headers,
            boolean tls,
            ProxySettings settings,
            ForwardingSettings forwarding) {
        InetSocketAddress peer = peerOf(request);
        boolean trusted = peer != null && forwarding.trustedProxies().trusts(peer);
        String peerText = null;
        if (peer != null) {
            peerText = peer.getAddress().getHostAddress();
            InetSocketAddress client =
                    trusted ? forwarding.trustedProxies().clientBehind(peer, request.headers()) : peer;
            exchange.setProperty(ResolvedClient.PROPERTY, new ResolvedClient(peer, client));
            exchange.setProperty(
                    ResolvedClient.CLIENT_ADDRESS,
                    client == peer ? peerText : client.getAddress().getHostAddress());
        }
        int present = dropClaims(request.headers(), headers, trusted);
        String scheme = tls ? "https" : "http";
        if (peerText != null) {
            headers.put(XFF, trusted ? Via.appended(headers.get(XFF), peerText) : peerText);
        } else {
            headers.remove(XFF);
        }
        Object proto = trusted && (present & X_FORWARDED_PROTO) != 0 ? headers.get(XF_PROTO) : null;
        if (proto == null) {
            headers.put(XF_PROTO, scheme);
        }
        Object hostField = headers.get("Host");
        String host = hostField == null ? null : hostField.toString();
        Object forwardedHost = trusted && (present & X_FORWARDED_HOST) != 0 ? headers.get(XF_HOST) : null;
        if (forwardedHost == null) {
            if (host != null) {
                headers.put(XF_HOST, host);
            } else {
                headers.remove(XF_HOST);
            }
        }
        if (!trusted || (present & X_FORWARDED_PORT) == 0 || headers.get(XF_PORT) == null) {
            headers.put(
                    XF_PORT,
                    port(forwardedHost != null ? first(forwardedHost) : host, proto != null ? first(proto) : scheme));
        }
        if (forwarding.rfc7239()) {
            String element = Rfc7239.element(peer, scheme, host);
            headers.put(FORWARDED_FIELD, trusted ? Via.appended(headers.get(FORWARDED_FIELD), element) : element);
        }
        headers.put(
                "Via",
                Via.appended(
                        headers.get("Via"),
                        Via.entry(
                                request instanceof ClientRequest client
                                        ? client.receivedProtocol()
                                        : ProxyHttpBinding.versionText(request.protocolVersion()),
                                settings.viaName())));
    }

    /**
     * Drops from {@code headers} what the client may not state: any forwarding field spelled with
     * {@code _}, and, from a peer that is not {@code trusted}, the fields Serai does not replace itself.
     * One pass over the names the client sent; nothing is allocated when none is a forwarding field.
     *
     * @return the bits of the forwarding fields the client sent in their own spelling
     */
    private static int dropClaims(HttpHeaders sent, Map<String, Object> headers, boolean trusted) {
        int present = 0;
        List<String> misspelled = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = sent.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            int field = ForwardingFields.of(name);
            if (field == 0) {
                continue;
            }
            if (FoldedNames.hasUnderscore(name)) {
                if (misspelled == null) {
                    misspelled = new ArrayList<>(2);
                }
                misspelled.add(name.toString());
            } else {
                present |= field;
            }
        }
        if (misspelled != null) {
            for (String name : misspelled) {
                headers.remove(name);
            }
        }
        if (!trusted) {
            int claims = present & CLAIMS_ONLY;
            for (int i = 0; claims != 0; i++, claims >>>= 1) {
                if ((claims & 1) != 0) {
                    headers.remove(NAMES[i]);
                }
            }
        }
        return present;
    }

    private static InetSocketAddress peerOf(HttpRequest request) {
        if (request instanceof ClientRequest tagged
                && tagged.remoteAddress() instanceof InetSocketAddress inet
                && inet.getAddress() != null) {
            return inet;
        }
        return null;
    }

    /** The first value of a field held once, as a list of lines, or as a comma-separated line. */
    private static String first(Object field) {
        String value =
                field instanceof List<?> lines && !lines.isEmpty() ? String.valueOf(lines.get(0)) : field.toString();
        int comma = value.indexOf(',');
        return comma < 0 ? value : value.substring(0, comma);
    }

    /**
     * The port the client addressed: the one in the host it named, else the scheme's default (as
     * Traefik states X-Forwarded-Port), so a backend building URLs gets the port the client sees, not
     * Serai's listener port behind a port mapping.
     */
    static String port(String host, String scheme) {
        if (host != null) {
            host = host.trim();
            int colon = host.lastIndexOf(':');
            int end = host.length();
            if (colon > host.lastIndexOf(']') && colon + 1 < end && end - colon <= 6 && digits(host, colon + 1, end)) {
                return host.substring(colon + 1);
            }
        }
        return scheme.trim().equalsIgnoreCase("https") ? "443" : "80";
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a field of this name is a forwarding field or Via: a route's own answer never carries
     * them, since there they could only be the request's, echoed.
     */
    public static boolean isForwardingHeader(String name) {
        return ForwardingFields.isForwardingField(name);
    }
}
