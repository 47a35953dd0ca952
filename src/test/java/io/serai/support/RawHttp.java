package io.serai.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A client that writes exactly the bytes a test gives it and reads responses off the wire, for the
 * requests that java.net.http will not send (hop-by-hop headers, bad framing, pipelining).
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) throws IOException {
        return connect(InetAddress.getLoopbackAddress(), port);
    }

    /** To {@code address}, e.g. {@code ::1} for a client Serai sees as an IPv6 peer. */
    public static RawHttp connect(InetAddress address, int port) throws IOException {
        Socket socket = new Socket(address, port);
        socket.setSoTimeout(10_000);
        return new RawHttp(socket);
    }

    public RawHttp send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Reads one response; {@code method} tells whether a body follows (HEAD never has one). */
    public RawResponse read(String method) throws IOException {
        String status = HttpWire.readLine(in);
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        List<Map.Entry<String, String>> headers = HttpWire.readHeaders(in);
        int code = Integer.parseInt(parts[1]);
        boolean noBody = "HEAD".equals(method) || code == 204 || code == 304 || code < 200;
        byte[] body = noBody ? new byte[0] : bodyOf(headers);
        return new RawResponse(parts[0], code, headers, body);
    }

    public RawResponse read() throws IOException {
        return read("GET");
    }

    /** Every byte until the server closes the connection, framing and trailers included. */
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** The socket's input as it comes, for a test that reads at its own pace. */
    public InputStream input() {
        return in;
    }

    /** One request on a fresh connection, closed afterwards. */
    public static RawResponse exchange(int port, String raw) throws IOException {
        try (RawHttp c = connect(port)) {
            String method = raw.substring(0, raw.indexOf(' '));
            return c.send(raw).read(method);
        }
    }

    /** A GET of {@code path} with {@code Host: 127.0.0.1} and {@code fields} (name, value, ...), on a fresh connection. */
    public static RawResponse get(int port, String path, String... fields) throws IOException {
        StringBuilder raw = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            raw.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        return exchange(port, raw.append("\r\n").toString());
    }

    /** True when the server closed the connection within {@code millis}. */
    public boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private byte[] bodyOf(List<Map.Entry<String, String>> headers) throws IOException {
        if (HttpWire.header(headers, "Content-Length") != null
                || HttpWire.header(headers, "Transfer-Encoding") != null) {
            return HttpWire.readBody(in, headers);
        }
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
