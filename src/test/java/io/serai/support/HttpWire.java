package io.serai.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads HTTP/1.1 message heads and bodies from a stream, for the test backend and the raw client. */
final class HttpWire {

    private HttpWire() {}

    /** One line without its CRLF, or null at end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new EOFException("stream ended inside a line");
    }

    static List<Map.Entry<String, String>> readHeaders(InputStream in) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(new AbstractMap.SimpleEntry<>(
                    line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        return headers;
    }

    static String header(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** A body framed by Content-Length or chunked encoding; empty when neither is present. */
    static byte[] readBody(InputStream in, List<Map.Entry<String, String>> headers) throws IOException {
        String te = header(headers, "Transfer-Encoding");
        if (te != null && te.toLowerCase().contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("stream ended inside a chunked body");
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            return out.toByteArray();
                        }
                    }
                }
                out.write(in.readNBytes(n));
                readLine(in);
            }
        }
        String cl = header(headers, "Content-Length");
        if (cl == null) {
            return new byte[0];
        }
        int n = Integer.parseInt(cl.trim());
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new EOFException("body ended after " + body.length + " of " + n + " bytes");
        }
        return body;
    }
}
