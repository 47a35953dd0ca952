package io.serai.support;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/** One HTTPS request on a fresh TLS connection that trusts only {@code trusted}, with the session's details. */
public final class TlsClient {

    /** The raw response and what the handshake agreed on. */
    public record Answer(String text, String protocol, String suite, X509Certificate peer) {
    }

    private TlsClient() {
    }

    public static Answer get(int port, String sni, String protocol, X509Certificate trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {protocol});
            SSLParameters p = socket.getSSLParameters();
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            socket.setSSLParameters(p);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write("GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Answer(text, socket.getSession().getProtocol(), socket.getSession().getCipherSuite(),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }
}
