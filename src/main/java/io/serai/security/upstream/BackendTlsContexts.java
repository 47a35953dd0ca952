package io.serai.security.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.serai.security.tls.ServerCertificates;
import io.serai.settings.FileChanges;
import io.serai.settings.WatchedFiles;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client SSL contexts Serai verifies {@code https://} backends with, one per distinct set of files
 * ({@link BackendTls}), built once and shared by every connection that uses it: TLS 1.3 and 1.2 only,
 * the backend's certificate chain checked against the CA bundle (or the JDK's trust store) and its name
 * against the certificate, always. There is no option to skip verification. The files are checked
 * every {@code serai.tls.reload-interval}; when one changes (cert-manager rotates them in place) new
 * connections use the new files and open ones keep theirs. Files that do not load at start stop the
 * route (or Serai) with the setting and file named; on a later change they are logged and the previous
 * context stays.
 */
public final class BackendTlsContexts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackendTlsContexts.class);

    private final CamelContext context;
    private final UpstreamTlsSettings settings;
    private final ConcurrentHashMap<BackendTls, Watched> contexts = new ConcurrentHashMap<>();
    private ScheduledExecutorService watcher;

    /** Loads the {@code serai.upstream.tls.*} files now, so a bad one stops Serai's start. */
    public BackendTlsContexts(CamelContext context, UpstreamTlsSettings settings) {
        this.context = context;
        this.settings = settings;
        prepare(BackendTls.NONE);
    }

    /**
     * What a backend with these own options uses, the unset ones taken from {@code serai.upstream.tls.*};
     * its SSL context is loaded now, so a bad file fails the route that names it.
     */
    public BackendTls prepare(BackendTls own) {
        BackendTls chosen = own.withDefaults(settings);
        BackendTls files = chosen.files();
        contexts.computeIfAbsent(files, f -> watch(new Watched(f, caSetting(own), clientSetting(own))));
        return chosen;
    }

    /**
     * A new connection's TLS handler: SNI and the verified name are the backend's {@code tlsServerName},
     * else its host. The JDK sends SNI only for names with a dot, so it is set here for every host name
     * (a Kubernetes service called {@code billing} has none); an IP address gets none (RFC 6066).
     */
    public SslHandler newHandler(
            BackendTls tls, ByteBufAllocator alloc, String host, int port, Duration handshakeTimeout) {
        return newHandler(tls, alloc, host, port, handshakeTimeout, null);
    }

    /**
     * As {@link #newHandler(BackendTls, ByteBufAllocator, String, int, Duration)}, offering {@code alpn} (such
     * as {@code h2}) by ALPN when not null: set on the JDK engine itself, so one SSL context serves both.
     */
    public SslHandler newHandler(
            BackendTls tls, ByteBufAllocator alloc, String host, int port, Duration handshakeTimeout, String[] alpn) {
        String name = tls.serverName() != null ? tls.serverName() : host;
        SslHandler handler = current(tls).newHandler(alloc, name, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!BackendTls.isIpAddress(name)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException notAHostName) {
                // such as a bracketed IPv6 literal: no SNI, the name is still verified
            }
        }
        if (alpn != null) {
            parameters.setApplicationProtocols(alpn);
        }
        engine.setSSLParameters(parameters);
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
        return handler;
    }

    private SslContext current(BackendTls tls) {
        BackendTls files = tls.files();
        Watched watched = contexts.get(files);
        if (watched == null) {
            watched = contexts.computeIfAbsent(
                    files,
                    f -> watch(new Watched(
                            f,
                            UpstreamTlsSettings.CA,
                            UpstreamTlsSettings.CLIENT_CERT + " / " + UpstreamTlsSettings.CLIENT_KEY)));
        }
        return watched.context;
    }

    private static String caSetting(BackendTls own) {
        return own.ca() != null ? "netty-http option " + BackendTls.CA_OPTION : UpstreamTlsSettings.CA;
    }

    private static String clientSetting(BackendTls own) {
        return own.clientCert() != null
                ? "netty-http options " + BackendTls.CLIENT_CERT_OPTION + " / " + BackendTls.CLIENT_KEY_OPTION
                : UpstreamTlsSettings.CLIENT_CERT + " / " + UpstreamTlsSettings.CLIENT_KEY;
    }

    /**
     * The context for {@code files}; an IllegalArgumentException without a cause (so that Camel's route
     * failure shows this message, not a library's) names the setting and the file.
     */
    static SslContext build(BackendTls files, String caSetting, String clientSetting) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .ciphers(ServerCertificates.CIPHERS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (files.ca() != null) {
            readable(files.ca(), caSetting);
            try {
                builder.trustManager(files.ca().toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(caSetting + ": " + files.ca() + " holds no PEM certificate ("
                        + WatchedFiles.rootMessage(e) + ")");
            }
        }
        if (files.clientCert() != null) {
            readable(files.clientCert(), clientSetting);
            readable(files.clientKey(), clientSetting);
            try {
                builder.keyManager(
                        files.clientCert().toFile(), files.clientKey().toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(clientSetting + ": " + e.getMessage()
                        + " (expected a PEM certificate chain and a PKCS#8 key, \"BEGIN PRIVATE KEY\")");
            }
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(caSetting + ", " + clientSetting + ": " + WatchedFiles.rootMessage(e));
        }
    }

    private static void readable(Path file, String setting) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    setting + ": " + file + " cannot be read (missing, not a file or no permission)");
        }
    }

    private synchronized Watched watch(Watched watched) {
        if (!watched.files.isEmpty() && watcher == null) {
            watcher = context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "serai-upstream-tls-reload");
            long every = settings.reloadInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::reloadChanged, every, every, TimeUnit.MILLISECONDS);
        }
        return watched;
    }

    private void reloadChanged() {
        for (Watched watched : contexts.values()) {
            if (!watched.changes.settledChange()) {
                continue;
            }
            try {
                watched.context = build(watched.tls, watched.caSetting, watched.clientSetting);
                LOG.info("Backend TLS files reloaded: {}", watched.files);
            } catch (RuntimeException e) {
                LOG.error("Backend TLS files not reloaded, the previous ones stay: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                context.getExecutorServiceManager().shutdownNow(watcher);
                watcher = null;
            }
        }
        // Outside the lock: watch() takes it inside the map's computeIfAbsent. Loaded (and watched)
        // again if the component starts again.
        contexts.clear();
    }

    /** One context and the files it was built from, rebuilt when they change. */
    private static final class Watched {
        final BackendTls tls;
        final String caSetting;
        final String clientSetting;
        final List<Path> files = new ArrayList<>();
        final FileChanges changes;
        volatile SslContext context;

        Watched(BackendTls tls, String caSetting, String clientSetting) {
            this.tls = tls;
            this.caSetting = caSetting;
            this.clientSetting = clientSetting;
            for (Path p : new Path[] {tls.ca(), tls.clientCert(), tls.clientKey()}) {
                if (p != null) {
                    files.add(p);
                }
            }
            this.changes = new FileChanges(files);
            this.context = build(tls, caSetting, clientSetting);
        }
    }
}
