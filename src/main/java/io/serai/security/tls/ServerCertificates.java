package io.serai.security.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.serai.settings.FileChanges;
import io.serai.settings.WatchedFiles;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The certificates Serai terminates TLS with, as Netty SSL contexts chosen by SNI: the default pair
 * ({@code serai.tls.cert}, {@code serai.tls.key}) and each pair of {@code serai.tls.sni-certs} under
 * the DNS names (wildcards too) in its certificate. The files are checked every
 * {@code serai.tls.reload-interval}; when one changes (cert-manager rotates them in place) new
 * connections get the new certificates and open ones keep theirs. A pair that does not load is
 * logged and the previous certificates stay. With {@code serai.tls.client-auth} (or a listener's
 * {@code tlsClientAuth}) {@code optional} or {@code required}, clients are asked for a certificate
 * that chains to the CA bundle {@code serai.tls.client-ca} (or the listener's {@code tlsClientCa}),
 * watched and reloaded with the certificates; {@code required} refuses the handshake without one, and
 * either refuses a certificate that does not verify.
 */
public final class ServerCertificates implements Mapping<String, SslContext>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificates.class);

    /** TLS 1.3's suites and TLS 1.2's forward-secret AEAD suites: Mozilla's "intermediate" list. */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final CamelContext context;
    private final TlsSettings settings;
    private final ApplicationProtocolConfig alpn;
    private final ScheduledExecutorService watcher;
    private volatile Mapping<String, SslContext> current;
    private final FileChanges changes;

    /** Loads the files now; they are then checked on a thread of {@code context}'s ExecutorServiceManager. */
    public ServerCertificates(CamelContext context, TlsSettings settings) {
        this(context, settings, false);
    }

    /**
     * {@code http2}: the handshake offers {@code h2} then {@code http/1.1} by ALPN (the client's first choice
     * among them wins, so h2 when it offers both); else {@code http/1.1} only.
     */
    public ServerCertificates(CamelContext context, TlsSettings settings, boolean http2) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("an https:// listener needs serai.tls.cert and serai.tls.key"
                    + " (PEM certificate chain and PKCS#8 private key)");
        }
        if (settings.effectiveClientAuth() != ClientAuth.NONE && settings.clientCa() == null) {
            throw new IllegalArgumentException(TlsSettings.CLIENT_AUTH + "=" + name(settings.effectiveClientAuth())
                    + " needs the CA bundle that client certificates must chain to: " + TlsSettings.CLIENT_CA
                    + " or the listener's tlsClientCa");
        }
        this.context = context;
        this.settings = settings;
        this.alpn = new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                // A client that offers none of them gets no ALPN answer and speaks HTTP/1.1.
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                http2
                        ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                        : List.of(ApplicationProtocolNames.HTTP_1_1));
        this.changes = new FileChanges(files());
        try {
            this.current = load();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("serai.tls: " + e.getMessage(), e);
        }
        this.watcher = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "serai-tls-reload");
        long every = settings.reloadInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public SslContext map(String hostname) {
        return current.map(hostname);
    }

    private void reloadIfChanged() {
        if (!changes.settledChange()) {
            return;
        }
        try {
            current = load();
            LOG.info("TLS certificates reloaded from {}", files());
        } catch (IOException | RuntimeException e) {
            LOG.error("TLS certificates not reloaded, the previous ones stay: {}", e.getMessage());
        }
    }

    private Mapping<String, SslContext> load() throws IOException {
        SslContext fallback = context(settings.cert(), settings.key());
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        for (Path[] pair : settings.extra()) {
            SslContext ctx = context(pair[0], pair[1]);
            for (String name : names(pair[0])) {
                mapping.add(name, ctx);
            }
        }
        return mapping.build();
    }

    private SslContext context(Path cert, Path key) throws IOException {
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(CIPHERS)
                    .applicationProtocolConfig(alpn);
        } catch (IllegalArgumentException e) {
            throw new IOException(cert + " / " + key + ": " + WatchedFiles.rootMessage(e), e);
        }
        ClientAuth clientAuth = settings.effectiveClientAuth();
        if (clientAuth != ClientAuth.NONE) {
            try {
                builder.trustManager(settings.clientCa().toFile());
            } catch (IllegalArgumentException e) {
                throw new IOException(settings.clientCa() + ": " + WatchedFiles.rootMessage(e), e);
            }
        }
        try {
            return builder.clientAuth(clientAuth).build();
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException(cert + " / " + key + ": " + WatchedFiles.rootMessage(e), e);
        }
    }

    private static String name(ClientAuth clientAuth) {
        return clientAuth == ClientAuth.REQUIRE ? "required" : clientAuth.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The DNS names of a certificate: its subject alternative names, else its CN. */
    private static List<String> names(Path cert) throws IOException {
        try {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
            List<String> names = new ArrayList<>();
            Collection<List<?>> sans = x509.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(san.get(1).toString());
                    }
                }
            }
            if (names.isEmpty()) {
                String dn = x509.getSubjectX500Principal().getName();
                for (String part : dn.split(",")) {
                    if (part.trim().startsWith("CN=")) {
                        names.add(part.trim().substring(3));
                    }
                }
            }
            return names;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(cert + ": " + e.getMessage(), e);
        }
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>(List.of(settings.cert(), settings.key()));
        for (Path[] pair : settings.extra()) {
            files.add(pair[0]);
            files.add(pair[1]);
        }
        if (settings.effectiveClientAuth() != ClientAuth.NONE) {
            files.add(settings.clientCa());
        }
        return files;
    }

    @Override
    public void close() {
        context.getExecutorServiceManager().shutdownNow(watcher);
    }
}
