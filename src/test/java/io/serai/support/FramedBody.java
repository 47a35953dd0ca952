package io.serai.support;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 message body as a stream that ends where the body ends (Content-Length or chunked framing),
 * for readers that must not hold a large body whole ({@link HttpWire#readBody} does). A body cut short
 * throws {@link EOFException}.
 */
final class FramedBody extends InputStream {

    private final InputStream in;
    private final boolean chunked;
    /** Bytes left in the body (Content-Length) or in the current chunk; -1 before the first chunk. */
    private long left;

    private boolean done;

    private FramedBody(InputStream in, boolean chunked, long length) {
        this.in = in;
        this.chunked = chunked;
        this.left = length;
        this.done = !chunked && length == 0;
    }

    /** The body that follows {@code headers}; a message with neither framing has none, unless {@code toClose}. */
    static InputStream of(InputStream in, List<Map.Entry<String, String>> headers, boolean toClose) {
        String te = HttpWire.header(headers, "Transfer-Encoding");
        if (te != null && te.toLowerCase().contains("chunked")) {
            return new FramedBody(in, true, -1);
        }
        String cl = HttpWire.header(headers, "Content-Length");
        if (cl != null) {
            return new FramedBody(in, false, Long.parseLong(cl.trim()));
        }
        return toClose ? in : new FramedBody(in, false, 0);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (chunked && left <= 0) {
            if (left == 0) {
                HttpWire.readLine(in); // the CRLF after a chunk
            }
            String size = HttpWire.readLine(in);
            if (size == null) {
                throw new EOFException("stream ended inside a chunked body");
            }
            left = Long.parseLong(size.split(";")[0].trim(), 16);
            if (left == 0) {
                while (!HttpWire.readLine(in).isEmpty()) {
                    // trailer fields
                }
                done = true;
                return -1;
            }
        }
        int r = in.read(buf, off, (int) Math.min(len, left));
        if (r == -1) {
            throw new EOFException("stream ended with " + left + " bytes of the body still to come");
        }
        left -= r;
        done = !chunked && left == 0;
        return r;
    }
}
