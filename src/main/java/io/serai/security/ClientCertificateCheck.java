package io.serai.security;

import io.serai.http.ClientCertificate;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;

import javax.security.auth.x500.X500Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lets a request on when its connection presented a client certificate that Serai verified (an
 * {@code https://} listener with {@code tlsClientAuth} {@code optional} or {@code required}, or
 * {@code serai.tls.client-auth}) and, when any of these is set, the certificate is one of them:
 * {@code subjects} (full subject names, several separated by {@code ;}, compared as X.500 names so
 * case and spacing do not matter), {@code sans} (comma-separated DNS names, compared case-insensitively,
 * and URIs such as {@code spiffe://example.org/orders}, compared exactly) or {@code fingerprints}
 * (comma-separated SHA-256 of the certificate, hex, colons allowed). A refusal is 403:
 * {@code client certificate required} without one, {@code client certificate not allowed} for another.
 */
public class ClientCertificateCheck extends AccessCheck {

    private List<X500Principal> subjects = List.of();
    private Set<String> dnsNames = Set.of();
    private Set<String> uris = Set.of();
    private Set<String> fingerprints = Set.of();

    public void setSubjects(String list) {
        List<X500Principal> parsed = new ArrayList<>();
        for (String subject : list == null ? new String[0] : list.split(";")) {
            if (subject.isBlank()) {
                continue;
            }
            try {
                parsed.add(new X500Principal(subject.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("client certificate check subjects: \"" + subject.trim()
                        + "\" is not a subject name (expected e.g. CN=orders,O=Example; several separated by ;)");
            }
        }
        this.subjects = List.copyOf(parsed);
    }

    public void setSans(String list) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> uri = new LinkedHashSet<>();
        for (String san : SettingValues.list(list)) {
            if (san.contains(":")) {
                uri.add(san);
            } else {
                dns.add(san.toLowerCase(Locale.ROOT));
            }
        }
        this.dnsNames = Set.copyOf(dns);
        this.uris = Set.copyOf(uri);
    }

    public void setFingerprints(String list) {
        Set<String> parsed = new LinkedHashSet<>();
        for (String entry : SettingValues.list(list)) {
            String hex = entry.replace(":", "").toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("client certificate check fingerprints: \"" + entry
                        + "\" is not a SHA-256 fingerprint (expected 64 hex digits, colons allowed, as"
                        + " openssl x509 -noout -fingerprint -sha256 prints)");
            }
            parsed.add(hex);
        }
        this.fingerprints = Set.copyOf(parsed);
    }

    @Override
    protected String kind() {
        return "client-certificate";
    }

    @Override
    protected Verdict check(Exchange exchange) {
        ClientCertificate certificate = exchange.getProperty(ClientCertificate.PROPERTY, ClientCertificate.class);
        if (certificate == null) {
            return Verdict.forbidden("client certificate required");
        }
        if (anyRule() && !matches(certificate)) {
            return Verdict.forbidden("client certificate not allowed");
        }
        return Verdict.allow();
    }

    private boolean anyRule() {
        return !subjects.isEmpty() || !dnsNames.isEmpty() || !uris.isEmpty() || !fingerprints.isEmpty();
    }

    private boolean matches(ClientCertificate certificate) {
        if (fingerprints.contains(certificate.sha256()) || subjects.contains(certificate.subjectPrincipal())) {
            return true;
        }
        for (String uri : certificate.uris()) {
            if (uris.contains(uri)) {
                return true;
            }
        }
        for (String dns : certificate.dnsNames()) {
            if (dnsNames.contains(dns.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
