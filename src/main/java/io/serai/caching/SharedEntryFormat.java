package io.serai.caching;

import io.serai.shared.SharedRedis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored response as bytes in Redis, for the shared tier: a small versioned binary format written
 * with {@link DataOutputStream}. Not Jackson: JSON would carry the body in base64 (a third larger) and
 * Jackson's binary formats are not among Serai's dependencies; the record is a dozen fields that only
 * Serai reads, and the version byte lets a later Serai skip entries an older one wrote.
 *
 * <p>Version 1: status, reason, head-only flag, response time (epoch ms, the receiving replica's clock),
 * initial age (ms), the stored fields as name/value pairs (tags included), the Vary values it was stored
 * for (name, value or absent), then the body.
 */
final class SharedEntryFormat {

    static final int VERSION = 1;

    private SharedEntryFormat() {}

    static byte[] encode(StoredResponse response) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(response.body.length + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeShort(response.status);
            writeString(out, response.reason == null ? "" : response.reason);
            out.writeBoolean(response.headOnly);
            out.writeLong(response.responseTime);
            out.writeLong(response.initialAge);
            out.writeInt(response.fields.length);
            for (String field : response.fields) {
                writeString(out, field);
            }
            Map<String, String> vary = response.vary.values();
            out.writeInt(vary.size());
            for (Map.Entry<String, String> value : vary.entrySet()) {
                writeString(out, value.getKey());
                out.writeBoolean(value.getValue() != null);
                if (value.getValue() != null) {
                    writeString(out, value.getValue());
                }
            }
            out.writeInt(response.body.length);
            out.write(response.body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The response {@code bytes} hold; null when another version wrote them. */
    static StoredResponse decode(byte[] bytes, TargetedControl targeting) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readByte() != VERSION) {
            return null;
        }
        int status = in.readShort();
        String reason = readString(in);
        boolean headOnly = in.readBoolean();
        long responseTime = in.readLong();
        long initialAge = in.readLong();
        String[] fields = new String[count(in, bytes.length)];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = readString(in);
        }
        int varied = count(in, bytes.length);
        Map<String, String> vary = new LinkedHashMap<>();
        for (int i = 0; i < varied; i++) {
            String name = readString(in);
            vary.put(name, in.readBoolean() ? readString(in) : null);
        }
        byte[] body = new byte[count(in, bytes.length)];
        in.readFully(body);
        return StoredResponse.restored(
                status, reason, fields, body, headOnly, VaryValues.restored(vary), initialAge, responseTime, targeting);
    }

    /** The hash field of a response: one per secondary key (Vary values, and HEAD or not), as locally. */
    static byte[] variantField(StoredResponse response) {
        StringBuilder key = new StringBuilder(response.headOnly ? "H" : "G");
        response.vary
                .values()
                .forEach((name, value) ->
                        key.append('\n').append(name).append('\n').append(value == null ? "\u0000" : value));
        return SharedRedis.hash(key.toString()).substring(0, 32).getBytes(StandardCharsets.US_ASCII);
    }

    private static int count(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("a count of " + n + " in an entry of " + limit + " bytes");
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[count(in, in.available())];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
