package io.serai.security.tls;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Set;

/**
 * Says in a few words why a TLS handshake with a backend failed, for the client's 502 and the log
 * line: the JDK's messages name internal classes and run to a paragraph. The JDK reports a name
 * mismatch, an alert and a peer that does not speak TLS only as messages, so those are recognised by
 * their message; anything not recognised keeps the JDK's message.
 */
public final class HandshakeFailureReason {

    /** Alerts a backend sends when it wants a client certificate, or does not accept the one it got. */
    private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of(
            "bad_certificate",
            "certificate_required",
            "certificate_unknown",
            "unknown_ca",
            "unsupported_certificate",
            "certificate_expired",
            "certificate_revoked",
            "access_denied");

    private static final String ALERT = "Received fatal alert: ";
    private static final int LONGEST = 200;

    private HandshakeFailureReason() {}

    /** The handshake's failure, or null when {@code failure} is not one (a fault after the handshake). */
    public static SSLHandshakeException handshakeFailure(Throwable failure) {
        Throwable t = failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof SSLHandshakeException handshake ? handshake : null;
    }

    /**
     * @param failure          what the handshake failed with
     * @param verifiedName     the name the backend's certificate had to hold
     * @param clientCertificate whether Serai presented a client certificate
     */
    public static String of(Throwable failure, String verifiedName, boolean clientCertificate) {
        if (failure instanceof SslHandshakeTimeoutException) {
            return "the handshake did not complete in time";
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return "it closed the connection during the handshake";
            }
            if (t instanceof CertificateExpiredException) {
                return "its certificate has expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "its certificate is not valid yet";
            }
            if (t instanceof CertPathBuilderException) {
                return "its certificate is not trusted (not issued by a trusted CA)";
            }
            if (t instanceof CertPathValidatorException invalid) {
                return switch (invalid.getReason() instanceof CertPathValidatorException.BasicReason basic
                        ? basic
                        : CertPathValidatorException.BasicReason.UNSPECIFIED) {
                    case EXPIRED -> "its certificate has expired";
                    case NOT_YET_VALID -> "its certificate is not valid yet";
                    case REVOKED -> "its certificate has been revoked";
                    default ->
                        "its certificate chain is not valid ("
                                + invalid.getReason()
                                        .toString()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', ' ') + ")";
                };
            }
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return "its certificate is not for " + verifiedName;
            }
            if (message.startsWith("Unsupported or unrecognized SSL message")) {
                return "it did not answer in TLS (plain HTTP on this port?)";
            }
            if (message.startsWith(ALERT)) {
                String alert = message.substring(ALERT.length()).trim();
                if (CLIENT_CERTIFICATE_ALERTS.contains(alert)) {
                    return (clientCertificate
                                    ? "it refused Serai's client certificate"
                                    : "it requires a client certificate")
                            + " (alert " + alert + ")";
                }
                return "it refused the handshake (alert " + alert + ")";
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > LONGEST ? message.substring(0, LONGEST) + "..." : message;
    }
}
