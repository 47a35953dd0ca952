package io.serai.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A backend that answers each request head with exactly the bytes a test gives it, in one write, and then
 * reads (and drops) whatever comes until the peer closes: for the answers to a handshake that Netty's
 * handlers would never send (a 101 to another protocol, a 101 nobody asked for, a 101 with a first
 * frame in the same segment).
 */
public final class ScriptedUpgradeBackend implements AutoCloseable {

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final Function<RecordedRequest, byte[]> answer;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private ScriptedUpgradeBackend(ServerSocket server, Function<RecordedRequest, byte[]> answer) {
        this.server = server;
        this.answer = answer;
        Thread acceptor = new Thread(this::accept, "scripted-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ScriptedUpgradeBackend start(Function<RecordedRequest, byte[]> answer) throws IOException {
        return new ScriptedUpgradeBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer);
    }

    /** A 101 to WebSocket that accepts {@code request}'s key, and {@code after} in the same write. */
    public static byte[] switchingToWebSocket(RecordedRequest request, byte[] after) {
        String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(request.header("Sec-WebSocket-Key")) + "\r\n\r\n";
        byte[] start = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[start.length + after.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(after, 0, all, start.length, after.length);
        return all;
    }

    /** An unmasked server frame carrying {@code text} whole (RFC 6455 section 5.2; up to 125 bytes). */
    public static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[payload.length + 2];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public List<RecordedRequest> requests() {
        return requests;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread t = new Thread(() -> serve(socket), "scripted-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = HttpWire.readLine(in);
            if (line == null) {
                return;
            }
            String[] parts = line.split(" ", 3);
            List<Map.Entry<String, String>> headers = HttpWire.readHeaders(in);
            RecordedRequest request = new RecordedRequest(parts[0], parts[1], parts[2], headers, new byte[0], 0);
            requests.add(request);
            socket.getOutputStream().write(answer.apply(request));
            socket.getOutputStream().flush();
            while (in.read() != -1) {
                // whatever the peer sends next is not read as HTTP
            }
        } catch (IOException gone) {
            // the peer closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
