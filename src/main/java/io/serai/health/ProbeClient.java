package io.serai.health;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Sends the GETs of one backend's health checks and load reports. The proxy hands one over with each
 * member endpoint, made by Serai's upstream client, so a probe reaches the backend as its traffic does:
 * same address, same TLS (CA, client certificate, server name).
 */
public interface ProbeClient {

    /**
     * A GET of {@code path} on the backend; completes with its answer, or exceptionally: with a
     * {@link java.util.concurrent.TimeoutException} when no whole answer came within {@code timeout}.
     */
    CompletionStage<ProbeAnswer> get(String path, Duration timeout);
}
