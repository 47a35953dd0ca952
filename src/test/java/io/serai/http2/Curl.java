package io.serai.http2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** curl as a real HTTP/2 client: its answer's status, the HTTP version it spoke, and the body. */
record Curl(int status, String version, String body) {

    private static final String MARK = "\n--curl-write-out--";

    static Curl run(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("curl", "-sS", "--max-time", "10", "-w", MARK + "%{http_code} %{http_version}"));
        command.addAll(List.of(options));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = curl.getInputStream().readAllBytes();
        if (!curl.waitFor(15, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            throw new AssertionError("curl did not finish: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        int mark = text.lastIndexOf(MARK);
        if (mark < 0) {
            throw new AssertionError("curl " + command + ": " + text);
        }
        String[] tail = text.substring(mark + MARK.length()).trim().split(" ");
        return new Curl(Integer.parseInt(tail[0]), tail[1], text.substring(0, mark));
    }
}
