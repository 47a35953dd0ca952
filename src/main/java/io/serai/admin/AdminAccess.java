package io.serai.admin;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * Decides who may use the admin listener. {@code /health/*} and {@code /metrics} are open (probes and
 * annotation-based Prometheus scraping send no credentials), unless {@code serai.admin.metrics-need-token}
 * puts {@code /metrics} with the rest. Everything else ({@code /routes}, the status page, {@code DELETE
 * /cache}) needs:
 * <ul>
 * <li>with {@code serai.admin.token} set: that token, as {@code Authorization: Bearer <token>} or as the
 * password of {@code Authorization: Basic} (the browser's login prompt); otherwise 401;</li>
 * <li>without a token, on a loopback listener: a {@code Host} that names the listener (DNS rebinding);
 * otherwise 403;</li>
 * <li>without a token, beyond loopback: nothing works; 403 saying a token is needed.</li>
 * </ul>
 */
final class AdminAccess implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAccess.class);
    private static final Set<String> ALWAYS_OPEN = Set.of("/health", "/health/live", "/health/ready");
    private static final String METRICS = "/metrics";
    /** Backend URLs and their health: what /metrics says as serai_backend_up, so open when it is. */
    private static final String BACKENDS = "/health/backends";

    private static final List<String> CHALLENGES =
            List.of("Basic realm=\"serai-admin\", charset=\"UTF-8\"", "Bearer realm=\"serai-admin\"");

    private final AdminSettings settings;
    private final boolean loopback;
    private final ListenerHostNames hostNames;
    private final byte[] tokenDigest;

    AdminAccess(AdminSettings settings) {
        this.settings = settings;
        this.loopback = settings.onLoopback();
        this.hostNames = new ListenerHostNames(settings.host(), settings.port());
        this.tokenDigest = settings.hasToken() ? sha256(settings.token()) : null;
        if (!loopback && !settings.hasToken()) {
            LOG.warn(
                    "the admin listener on {}:{} is reachable beyond this machine and serai.admin.token is not set: "
                            + "/routes, the status page and DELETE /cache answer 403 until it is; /health/* and /metrics{} "
                            + "stay open",
                    settings.host(),
                    settings.port(),
                    settings.metricsNeedToken() ? " (refused too: serai.admin.metrics-need-token=true)" : "");
        }
    }

    @Override
    public void process(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (isOpen(path == null || path.isEmpty() ? "/" : path)) {
            return;
        }
        if (tokenDigest != null) {
            String presented = AdminCredentials.presented(exchange.getMessage().getHeader("Authorization"));
            // Digests of equal length, compared in constant time: the time taken says nothing about the token.
            if (presented == null || !MessageDigest.isEqual(sha256(presented), tokenDigest)) {
                AdminReplies.reply(
                        exchange,
                        401,
                        "{\"error\":\"this endpoint needs the admin token: "
                                + "Authorization: Bearer <serai.admin.token> (or, in a browser, the token as the password)\"}");
                exchange.getMessage().setHeader("WWW-Authenticate", CHALLENGES);
            }
            return;
        }
        if (!loopback) {
            AdminReplies.reply(
                    exchange,
                    403,
                    "{\"error\":\"the admin listener is not on a loopback address: "
                            + "/routes, the status page and writes need serai.admin.token, which is not set\"}");
            return;
        }
        if (!hostNames.names(exchange.getMessage().getHeader("Host", String.class))) {
            // The Host is the client's; it is never repeated in the answer.
            AdminReplies.reply(
                    exchange,
                    403,
                    "{\"error\":\"the Host header does not name this admin listener: " + "use localhost or "
                            + settings.host() + "\"}");
        }
    }

    private boolean isOpen(String path) {
        return ALWAYS_OPEN.contains(path)
                || ((path.equals(METRICS) || path.equals(BACKENDS)) && !settings.metricsNeedToken());
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
