package io.serai.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.apache.camel.Exchange;

import javax.security.auth.x500.X500Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The certificate a client presented and Serai verified on an {@code https://} listener that asks for
 * one: its subject (RFC 4514), URI and DNS subject alternative names, and the SHA-256 fingerprint of
 * its DER form. Read once per connection, when the handshake completes. The backend receives it as
 * {@value #HEADER} in Envoy's element format ({@code Hash=...;Subject="...";URI=...;DNS=...}), in
 * place of any the client sent, and later steps (access checks) find it in the exchange property
 * {@value #PROPERTY}.
 */
public final class ClientCertificate {

    /** Exchange property holding the verified certificate of the request's connection, if any. */
    public static final String PROPERTY = "seraiClientCertificate";

    /** What the backend receives: Envoy's {@code x-forwarded-client-cert}. */
    public static final String HEADER = "X-Forwarded-Client-Cert";

    public static final AttributeKey<ClientCertificate> KEY = AttributeKey.valueOf("serai.client-certificate");

    private final X509Certificate certificate;
    private final String sha256;
    private final List<String> uris;
    private final List<String> dnsNames;
    private final String xfcc;

    private ClientCertificate(X509Certificate certificate, String sha256, List<String> uris, List<String> dnsNames) {
        this.certificate = certificate;
        this.sha256 = sha256;
        this.uris = uris;
        this.dnsNames = dnsNames;
        StringBuilder element = new StringBuilder("Hash=")
                .append(sha256)
                .append(";Subject=\"")
                .append(escaped(subject()))
                .append('"');
        uris.forEach(uri -> element.append(";URI=").append(value(uri)));
        dnsNames.forEach(dns -> element.append(";DNS=").append(value(dns)));
        this.xfcc = element.toString();
    }

    /** The details of a verified client certificate. */
    public static ClientCertificate of(X509Certificate certificate) {
        List<String> uris = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    if (Integer.valueOf(6).equals(type)) {
                        uris.add(san.get(1).toString());
                    } else if (Integer.valueOf(2).equals(type)) {
                        dns.add(san.get(1).toString());
                    }
                }
            }
            return new ClientCertificate(certificate, fingerprint(certificate), List.copyOf(uris), List.copyOf(dns));
        } catch (CertificateParsingException | CertificateEncodingException e) {
            // the handshake verified it, so it parses; if not, there is no identity to pass on
            throw new IllegalStateException("a verified client certificate does not parse: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The subject as RFC 4514 writes it, e.g. {@code CN=orders,O=Example}. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    public X500Principal subjectPrincipal() {
        return certificate.getSubjectX500Principal();
    }

    /** The SHA-256 of the certificate's DER form, lower-case hex without separators. */
    public String sha256() {
        return sha256;
    }

    public List<String> uris() {
        return uris;
    }

    public List<String> dnsNames() {
        return dnsNames;
    }

    /** This certificate as one element of {@value #HEADER}. */
    public String xfcc() {
        return xfcc;
    }

    /**
     * For a request on a connection with a verified client certificate: the exchange property, and
     * {@value #HEADER} for the backend, replacing whatever the client sent under that name.
     */
    public static void forward(HttpRequest request, Map<String, Object> headers, Exchange exchange) {
        ClientCertificate certificate = request instanceof ClientRequest tagged ? tagged.certificate() : null;
        if (certificate != null) {
            exchange.setProperty(PROPERTY, certificate);
            headers.put(HEADER, certificate.xfcc());
        }
    }

    private static String fingerprint(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A URI or DNS value: quoted when it holds one of XFCC's separators, as Envoy's format says. */
    private static String value(String text) {
        String escaped = escaped(text);
        return escaped.chars().anyMatch(c -> c == ',' || c == ';' || c == '=' || c == '"')
                ? '"' + escaped + '"'
                : escaped;
    }

    /**
     * {@code "} as {@code \"} (Envoy's rule), and anything outside printable ASCII as RFC 4514's
     * {@code \XX} escapes of its UTF-8 bytes, so a header value never carries a control character.
     */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append("\\\"");
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('\\').append(HexFormat.of().withUpperCase().toHexDigits(b));
                }
                i = end - 1;
            }
        }
        return out.toString();
    }
}
