package io.serai.admin;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the admin listener's write operations: with {@code serai.admin.token} set they need
 * {@code Authorization: Bearer <token>}; without one they are allowed only on a loopback listener.
 */
final class AdminAccess implements Processor {

    private final AdminSettings settings;
    private final boolean loopback;

    AdminAccess(AdminSettings settings) {
        this.settings = settings;
        this.loopback = settings.onLoopback();
    }

    @Override
    public void process(Exchange exchange) {
        if (settings.token().isEmpty()) {
            if (!loopback) {
                AdminReplies.reply(exchange, 403, "{\"error\":\"write operations on a non-loopback admin listener "
                        + "need serai.admin.token\"}");
            }
            return;
        }
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String expected = "Bearer " + settings.token();
        if (authorization == null || !MessageDigest.isEqual(authorization.trim().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            AdminReplies.reply(exchange, 401, "{\"error\":\"this operation needs Authorization: Bearer <serai.admin.token>\"}");
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"serai-admin\"");
        }
    }
}
