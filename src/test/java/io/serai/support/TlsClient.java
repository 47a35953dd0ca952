package io.serai.support;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One HTTPS request on a fresh TLS connection that trusts only {@code trusted}, optionally presenting a
 * client certificate, with the session's details.
 */
public final class TlsClient {

    /** The raw response and what the handshake agreed on. */
    public record Answer(String text, String protocol, String suite, X509Certificate peer) {}

    private TlsClient() {}

    /**
     * Presents {@code issued} whatever CAs the server names: the JDK's own key managers would send nothing
     * for a certificate of another CA, and a test must see the server refuse it.
     */
    private static X509ExtendedKeyManager presenting(TestCertificates.Issued issued) {
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {issued.certificate()};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return issued.key().getPrivate();
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }
        };
    }

    public static Answer get(int port, String sni, String protocol, X509Certificate trusted) throws Exception {
        return send(
                port, sni, protocol, trusted, null, "GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /**
     * {@code request} (which should say {@code Connection: close}) on a fresh TLS connection, presenting
     * {@code clientCertificate} when the server asks for one (null: none).
     */
    public static Answer send(
            int port,
            String sni,
            String protocol,
            X509Certificate trusted,
            TestCertificates.Issued clientCertificate,
            String request)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keys = clientCertificate == null ? null : new KeyManager[] {presenting(clientCertificate)};
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, tmf.getTrustManagers(), null);
        try (SSLSocket socket =
                (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {protocol});
            SSLParameters p = socket.getSSLParameters();
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            socket.setSSLParameters(p);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Answer(
                    text, socket.getSession().getProtocol(), socket.getSession().getCipherSuite(), (X509Certificate)
                            socket.getSession().getPeerCertificates()[0]);
        }
    }
}
