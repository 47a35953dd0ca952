package io.serai.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The answers a test backend can give: correct ones, and the faults a proxy must survive. */
public final class Behaviours {

    private Behaviours() {}

    /** 200 with a JSON body naming the backend, the method and the raw target; HEAD gets no body. */
    public static Behaviour json() {
        return (request, socket, out, name) -> {
            String body = "{\"backend\":\"" + name + "\",\"method\":\"" + request.method() + "\",\"target\":\""
                    + request.target().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            write(
                    out,
                    request,
                    200,
                    Map.of("Content-Type", "application/json", "X-Backend", name),
                    body.getBytes(StandardCharsets.UTF_8));
            return true;
        };
    }

    /** A fixed answer; {@code headers} are sent exactly as given, hop-by-hop ones included. */
    public static Behaviour status(int code, Map<String, String> headers, String body) {
        return (request, socket, out, name) -> {
            write(out, request, code, headers, body.getBytes(StandardCharsets.UTF_8));
            return true;
        };
    }

    /** 200 echoing the request body, with its length in X-Received-Length. */
    public static Behaviour echo() {
        return (request, socket, out, name) -> {
            write(
                    out,
                    request,
                    200,
                    Map.of("X-Received-Length", String.valueOf(request.body().length), "X-Backend", name),
                    request.body());
            return true;
        };
    }

    /** Waits before answering as {@link #json()} does. */
    public static Behaviour slow(Duration delay) {
        return (request, socket, out, name) -> {
            sleep(delay);
            return json().answer(request, socket, out, name);
        };
    }

    /** Reads the request, then resets the connection without a byte. */
    public static Behaviour resetImmediately() {
        return (request, socket, out, name) -> {
            socket.setSoLinger(true, 0);
            socket.close();
            return false;
        };
    }

    /** Answers bytes that are not HTTP, then closes. */
    public static Behaviour garbage() {
        return (request, socket, out, name) -> {
            out.write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        };
    }

    /** Promises 1000 bytes, sends 10, closes. */
    public static Behaviour truncated() {
        return (request, socket, out, name) -> {
            out.write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        };
    }

    /** Writes exactly these bytes as the response, then keeps or closes the connection. */
    public static Behaviour raw(String bytes, boolean keepOpen) {
        return (request, socket, out, name) -> {
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return keepOpen;
        };
    }

    /** A body of exactly {@code size} bytes of a repeating pattern, streamed from a small buffer. */
    public static Behaviour large(int size) {
        return (request, socket, out, name) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = pattern(26 * 316); // a whole number of periods, so blocks join seamlessly
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(block, 0, Math.min(block.length, size - sent));
            }
            out.flush();
            return true;
        };
    }

    /** A chunked response made of the given chunks. */
    public static Behaviour chunked(List<String> chunks) {
        return (request, socket, out, name) -> {
            StringBuilder s = new StringBuilder(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (String c : chunks) {
                s.append(Integer.toHexString(c.length()))
                        .append("\r\n")
                        .append(c)
                        .append("\r\n");
            }
            s.append("0\r\n\r\n");
            out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        };
    }

    /** The repeating byte pattern {@link #large(int)} sends, for comparing what arrived. */
    public static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + (i % 26));
        }
        return b;
    }

    public static boolean isPattern(byte[] body) {
        return Arrays.equals(body, pattern(body.length));
    }

    public static void write(
            OutputStream out, RecordedRequest request, int code, Map<String, String> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ")
                .append(code)
                .append(' ')
                .append(reason(code))
                .append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        boolean noBody = code == 204 || code == 304 || (code >= 100 && code < 200);
        if (!noBody) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!noBody && !"HEAD".equals(request.method())) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
