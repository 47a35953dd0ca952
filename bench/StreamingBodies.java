import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The backend and the client of bench/streaming.sh, in one file that runs with plain {@code java}: no
 * build, nothing to install. Bodies are a repeating pattern (byte i is i mod 251), made and checked as
 * they pass, so no body is ever held whole on either side. A thread per connection: simple, and the
 * bench runs a handful of connections.
 *
 * <pre>
 * java bench/StreamingBodies.java backend PORT          GET /bytes/N: N pattern bytes (Content-Length);
 *                                                       POST or PUT: reads the body, answers "N ok"
 * java bench/StreamingBodies.java get PORT N [CONNS]    downloads /bytes/N on CONNS connections at once
 * java bench/StreamingBodies.java post PORT N           uploads N bytes with Content-Length
 * </pre>
 * The clients print one line: {@code bytes seconds MiB/s}, and exit non-zero when a body was short or
 * altered.
 */
public final class StreamingBodies {

    private static final int PERIOD = 251;
    /** The pattern twice over and more: any offset mod 251 starts a 64 KiB run of it. */
    private static final byte[] PATTERN = new byte[PERIOD * 262];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PERIOD);
        }
    }

    private static final int BLOCK = PERIOD * 261; // about 64 KiB, a whole number of periods

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "backend" -> backend(Integer.parseInt(args[1]));
            case "get" ->
                report(download(
                        Integer.parseInt(args[1]),
                        Long.parseLong(args[2]),
                        args.length > 3 ? Integer.parseInt(args[3]) : 1));
            case "post" -> report(upload(Integer.parseInt(args[1]), Long.parseLong(args[2])));
            default -> throw new IllegalArgumentException("backend, get or post, not " + args[0]);
        }
    }

    // ---- backend ----

    private static void backend(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        while (true) {
            Socket socket = server.accept();
            Thread t = new Thread(() -> serve(socket));
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = socket.getOutputStream();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue;
                }
                String[] request = line.split(" ");
                List<String> fields = readFields(in);
                String length = field(fields, "content-length");
                boolean chunked = "chunked".equalsIgnoreCase(field(fields, "transfer-encoding"));
                if (request[0].equals("GET") || request[0].equals("HEAD")) {
                    long n = request[1].startsWith("/bytes/") ? Long.parseLong(request[1].substring(7)) : 2;
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + n
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    if (request[0].equals("GET")) {
                        writePattern(out, n);
                    }
                    out.flush();
                } else {
                    long[] got =
                            chunked ? readChunked(in) : readPattern(in, length == null ? 0 : Long.parseLong(length));
                    String body = got[0] + (got[1] == 0 ? " ok\n" : " altered\n");
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                                    + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the client went away: nothing to do
        }
    }

    private static void writePattern(OutputStream out, long n) throws IOException {
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(BLOCK, left);
            out.write(PATTERN, 0, len);
            left -= len;
        }
    }

    /** Reads n bytes and checks them against the pattern: {bytes read, 1 when altered}. */
    private static long[] readPattern(InputStream in, long n) throws IOException {
        byte[] buf = new byte[65536];
        long pos = 0;
        boolean altered = false;
        while (pos < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - pos));
            if (r < 0) {
                break;
            }
            altered |= !matches(buf, r, pos);
            pos += r;
        }
        return new long[] {pos, altered || pos != n ? 1 : 0};
    }

    private static long[] readChunked(InputStream in) throws IOException {
        long total = 0;
        boolean altered = false;
        while (true) {
            String size = readLine(in);
            long n = Long.parseLong(size.split(";")[0].trim(), 16);
            if (n == 0) {
                readFields(in);
                return new long[] {total, altered ? 1 : 0};
            }
            byte[] buf = new byte[65536];
            long left = n;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException("closed in a chunk");
                }
                altered |= !matches(buf, r, total);
                total += r;
                left -= r;
            }
            readLine(in);
        }
    }

    // ---- clients ----

    private static long[] download(int port, long n, int connections) throws Exception {
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        long[] bytes = new long[connections];
        String[] errors = new String[connections];
        for (int c = 0; c < connections; c++) {
            int i = c;
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.getOutputStream()
                            .write(("GET /bytes/" + n + " HTTP/1.1\r\nHost: bench\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
                    String status = readLine(in);
                    List<String> fields = readFields(in);
                    if (!status.contains(" 200 ")) {
                        throw new IOException(status);
                    }
                    String length = field(fields, "content-length");
                    long[] got = length != null
                            ? readPattern(in, Long.parseLong(length))
                            : "chunked".equalsIgnoreCase(field(fields, "transfer-encoding"))
                                    ? readChunked(in)
                                    : readPattern(in, Long.MAX_VALUE);
                    bytes[i] = got[0];
                    if (got[1] != 0 || got[0] != n) {
                        errors[i] = "got " + got[0] + " of " + n + " bytes" + (got[1] != 0 ? ", altered" : "");
                    }
                } catch (IOException e) {
                    errors[i] = e.toString();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long total = 0;
        for (int c = 0; c < connections; c++) {
            if (errors[c] != null) {
                System.err.println("download " + c + ": " + errors[c]);
                return null;
            }
            total += bytes[c];
        }
        return new long[] {total, System.nanoTime() - start};
    }

    private static long[] upload(int port, long n) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Length: " + n + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writePattern(out, n);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String status = readLine(in);
            List<String> fields = readFields(in);
            String length = field(fields, "content-length");
            byte[] body = in.readNBytes(length == null ? 64 : Integer.parseInt(length));
            String answer = new String(body, StandardCharsets.US_ASCII).trim();
            if (!status.contains(" 200 ") || !answer.equals(n + " ok")) {
                System.err.println("upload: " + status + ": " + answer);
                return null;
            }
        }
        return new long[] {n, System.nanoTime() - start};
    }

    private static void report(long[] result) {
        if (result == null) {
            System.exit(1);
        }
        double seconds = result[1] / 1e9;
        System.out.printf(Locale.ROOT, "%d %.3f %.1f%n", result[0], seconds, result[0] / 1048576.0 / seconds);
    }

    // ---- HTTP/1.1 pieces ----

    private static boolean matches(byte[] buf, int len, long offset) {
        int at = (int) (offset % PERIOD);
        for (int done = 0; done < len; ) {
            int run = Math.min(len - done, PATTERN.length - at);
            if (java.util.Arrays.mismatch(buf, done, done + run, PATTERN, at, at + run) >= 0) {
                return false;
            }
            done += run;
            at = (at + run) % PERIOD;
        }
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static List<String> readFields(InputStream in) throws IOException {
        List<String> fields = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            fields.add(line);
        }
        return fields;
    }

    private static String field(List<String> fields, String name) {
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon > 0 && f.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return f.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
