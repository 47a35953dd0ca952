package io.serai.support;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on a loopback ephemeral port, a thread per connection, with keep-alive and
 * pipelining. It records every request as it arrived and answers with a switchable {@link Behaviour},
 * which may be a fault (slow, reset, garbage, truncated). {@link #startTls} serves the same over TLS
 * (the JDK's), with a given certificate, optionally requiring a client certificate, and records the
 * SNI name each client sent.
 */
public final class TestBackend implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final List<String> clientCertificates = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviours.json();
    private volatile Duration keepAliveTimeout;
    private volatile Duration closeLag;
    private final AtomicInteger crossedCloses = new AtomicInteger();

    private TestBackend(String name, ServerSocket server) {
        this.name = name;
        this.server = server;
    }

    public static TestBackend start(String name) throws IOException {
        return start(name, 0);
    }

    /** On a given loopback port, e.g. one that refused connections until now. */
    public static TestBackend start(String name, int port) throws IOException {
        return startOn(name, InetAddress.getLoopbackAddress(), port);
    }

    /**
     * On {@code address} (127.0.0.2 and 127.0.0.3 are loopback too on Linux), e.g. the same port on several
     * addresses, as the pods behind one DNS name.
     */
    public static TestBackend startOn(String name, InetAddress address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(address, port), 128);
        TestBackend backend = new TestBackend(name, socket);
        Thread acceptor = new Thread(backend::acceptLoop, "backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
        return backend;
    }

    /**
     * A backend serving HTTPS on 127.0.0.1 with {@code certificate}; with {@code clientCa} it refuses
     * clients without a certificate that CA issued. Its {@link #url()} is {@code https://localhost:<port>}.
     */
    public static TestBackend startTls(String name, TestCertificates.Issued certificate, X509Certificate clientCa)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
                "server", certificate.key().getPrivate(), new char[0], new X509Certificate[] {certificate.certificate()
                });
        // SunX509 hands out the certificate as it is, expired or not: the client must be the one to refuse.
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, new char[0]);
        TrustManager[] trust = null;
        if (clientCa != null) {
            KeyStore cas = KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            cas.setCertificateEntry("client-ca", clientCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(cas);
            trust = tmf.getTrustManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), trust, null);
        SSLServerSocket socket =
                (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setReuseAddress(true);
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.setNeedClientAuth(clientCa != null);
        TestBackend backend = new TestBackend(name, socket);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName serverName) {
                backend.serverNames.add(((SNIHostName) serverName).getAsciiName());
                return true;
            }
        }));
        socket.setSSLParameters(parameters);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        Thread acceptor = new Thread(backend::acceptLoop, "backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
        return backend;
    }

    public TestBackend respondWith(Behaviour next) {
        this.behaviour = next;
        return this;
    }

    /**
     * Closes a connection that has been idle for {@code timeout} after a response, as every server's
     * keep-alive time-out does; the close takes {@code lag} to reach the client, and a request that arrives
     * in between is not answered (it crossed the close on the network): {@link #crossedCloses()} counts them.
     */
    public TestBackend closeIdleConnectionsAfter(Duration timeout, Duration lag) {
        this.closeLag = lag;
        this.keepAliveTimeout = timeout;
        return this;
    }

    /** Requests that arrived on a connection this backend was closing, unanswered. */
    public int crossedCloses() {
        return crossedCloses.get();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port>}, or {@code https://localhost:<port>} for a TLS backend. */
    public String url() {
        return server instanceof SSLServerSocket ? "https://localhost:" + port() : "http://" + hostPort();
    }

    /** The SNI host names clients sent, one per TLS handshake that sent one, failed handshakes too. */
    public List<String> serverNames() {
        return serverNames;
    }

    /** The subjects of the client certificates presented on completed handshakes. */
    public List<String> clientCertificates() {
        return clientCertificates;
    }

    public List<RecordedRequest> requests() {
        return requests;
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("backend " + name + " received no request");
        }
        return requests.get(requests.size() - 1);
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Waits, at most {@code timeout}, until {@code n} requests arrived. */
    public void awaitRequests(int n, Duration timeout) {
        Waits.upTo(timeout)
                .alias("backend " + name + " gets " + n + " requests")
                .until(() -> requests.size() >= n);
    }

    /** {@code http://127.0.0.1:<port>} with nothing listening on the port. */
    public static String refusingUrl() throws IOException {
        return "http://127.0.0.1:" + refusingPort();
    }

    /** A loopback port with nothing listening on it. */
    public static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                sockets.add(socket);
                if (closed) {
                    // Accepted while close() ran: closed here, as a crashed process's would be.
                    socket.close();
                    return;
                }
                Thread t = new Thread(() -> serve(socket, number), "backend-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            socket.setSoTimeout(30_000);
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                if (tls.getNeedClientAuth()) {
                    clientCertificates.add(((X509Certificate) tls.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal()
                            .getName());
                }
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            boolean answered = false;
            while (true) {
                Duration idleLimit = answered ? keepAliveTimeout : null;
                long idleSince = System.nanoTime();
                if (idleLimit != null) {
                    socket.setSoTimeout((int) idleLimit.plus(closeLag).toMillis() + 1);
                }
                String line = HttpWire.readLine(in);
                if (line == null) {
                    return;
                }
                if (idleLimit != null) {
                    socket.setSoTimeout(30_000);
                    if (System.nanoTime() - idleSince >= idleLimit.toNanos()) {
                        crossedCloses.incrementAndGet();
                        return;
                    }
                }
                String[] parts = line.split(" ", 3);
                var headers = HttpWire.readHeaders(in);
                byte[] body = HttpWire.readBody(in, headers);
                RecordedRequest request = new RecordedRequest(
                        parts[0], parts[1], parts.length > 2 ? parts[2] : "", headers, body, number);
                requests.add(request);
                boolean keep = behaviour.answer(request, socket, out, name);
                answered = true;
                String connection = request.header("Connection");
                if (!keep || (connection != null && connection.equalsIgnoreCase("close"))) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the peer went away or a behaviour closed the socket
        } finally {
            sockets.remove(socket);
        }
    }
}
