package io.serai.admin;

import io.serai.caching.HttpCacheStore;
import io.serai.http.RequestTarget;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.caffeine.CaffeineConstants;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The admin listener ({@code serai.admin.host}:{@code serai.admin.port}), apart from the traffic port:
 * {@code /metrics}, {@code /health/live}, {@code /health/ready}, {@code /health/backends}, {@code /routes} and the status page
 * {@code /} (see {@link AdminEndpoints}), and the cache purge. {@code DELETE /cache} empties the HTTP cache;
 * {@code DELETE /cache?url=http://host/path} drops what is stored for that URL on every route,
 * {@code ?prefix=http://host/path/} every URL under it, {@code ?tag=t} every response tagged {@code t}
 * by its {@code Surrogate-Key} or {@code Cache-Tag}. The
 * entries go through camel-caffeine's {@code caffeine-cache:serai-http-cache} endpoint, the same store the
 * routes' cache uses. {@link AdminAccess} decides first who may use which endpoint.
 */
public final class AdminRoutes extends RouteBuilder {

    private static final String PURGE_COUNT = "seraiPurgeCount";

    private final AdminSettings settings;
    private final HttpCacheStore store;
    private final AdminEndpoints endpoints;

    public AdminRoutes(AdminSettings settings, HttpCacheStore store, AdminEndpoints endpoints) {
        this.settings = settings;
        this.store = store;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        AdminAccess access = new AdminAccess(settings);
        from("netty-http:http://" + settings.host() + ":" + settings.port() + "/?matchOnUriPrefix=true")
                .routeId("serai-admin")
                .process(access)
                .choice()
                .when(header(Exchange.HTTP_PATH).regex("/cache(/.*)?"))
                .to("direct:serai-admin-cache")
                .otherwise()
                .process(endpoints)
                .end();
        from("direct:serai-admin-cache")
                .routeId("serai-admin-cache")
                .choice()
                .when(header(Exchange.HTTP_METHOD).isNotEqualTo("DELETE"))
                .process(exchange -> {
                    AdminReplies.reply(
                            exchange,
                            405,
                            "{\"error\":\"use DELETE /cache or DELETE /cache?url=..., ?prefix=... or ?tag=...\"}");
                    exchange.getMessage().setHeader("Allow", "DELETE");
                })
                .otherwise()
                .process(this::selectPurge)
                .to("caffeine-cache:" + HttpCacheStore.REGISTRY_NAME + "?action="
                        + CaffeineConstants.ACTION_INVALIDATE_ALL)
                .process(exchange ->
                        AdminReplies.reply(exchange, 200, "{\"purged\":" + exchange.getProperty(PURGE_COUNT) + "}"))
                .end();
    }

    /**
     * With {@code url}: the keys stored for it; with {@code prefix}: for every URL that starts with it;
     * with {@code tag} (repeatable): for every response that carried one of the tags; without: everything.
     */
    private void selectPurge(Exchange exchange) {
        String query = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        String url = null;
        String prefix = null;
        List<String> tags = new ArrayList<>();
        if (query != null) {
            for (String param : query.split("&")) {
                if (param.startsWith("url=")) {
                    url = URLDecoder.decode(param.substring(4), StandardCharsets.UTF_8);
                } else if (param.startsWith("prefix=")) {
                    prefix = URLDecoder.decode(param.substring(7), StandardCharsets.UTF_8);
                } else if (param.startsWith("tag=") && param.length() > 4) {
                    tags.add(URLDecoder.decode(param.substring(4), StandardCharsets.UTF_8));
                }
            }
        }
        Set<String> keys;
        if (!tags.isEmpty()) {
            keys = store.keysTagged(tags);
        } else if (url != null || prefix != null) {
            RequestTarget target = RequestTarget.parse(url != null ? url : prefix);
            if (target.authority() == null || target.authority().isEmpty()) {
                AdminReplies.reply(
                        exchange,
                        400,
                        "{\"error\":\"" + (url != null ? "url" : "prefix")
                                + " must be absolute, as http://host/path?query\"}");
                return;
            }
            keys = url != null
                    ? store.keysFor(target.authority(), target.originForm())
                    : store.keysUnder(target.authority(), target.originForm());
        } else {
            exchange.setProperty(PURGE_COUNT, store.entries());
            exchange.getMessage().removeHeader(CaffeineConstants.KEYS);
            return;
        }
        exchange.setProperty(PURGE_COUNT, keys.size());
        exchange.getMessage().setHeader(CaffeineConstants.KEYS, keys);
    }
}
