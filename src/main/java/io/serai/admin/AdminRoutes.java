package io.serai.admin;

import io.serai.caching.CacheInvalidation;
import io.serai.caching.HttpCacheStore;
import io.serai.caching.InvalidationBus;
import io.serai.http.RequestTarget;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.caffeine.CaffeineConstants;

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
 * routes' cache uses; in shared mode the purge is also told to the other replicas, and the answer says
 * whether it was. {@link AdminAccess} decides first who may use which endpoint.
 */
public final class AdminRoutes extends RouteBuilder {

    private static final String PURGE_COUNT = "seraiPurgeCount";
    private static final String PURGE_REPLICAS = "seraiPurgeReplicas";

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
                .process(exchange -> AdminReplies.reply(
                        exchange, 200, "{\"purged\":" + exchange.getProperty(PURGE_COUNT) + replicas(exchange) + "}"))
                .end();
    }

    /**
     * With {@code url}: the keys stored for it; with {@code prefix}: for every URL that starts with it;
     * with {@code tag} (repeatable): for every response that carried one of the tags; without a query:
     * everything. A query that is not one of these is answered 400 (see {@link PurgeQuery}).
     */
    private void selectPurge(Exchange exchange) {
        PurgeQuery query;
        RequestTarget target = null;
        try {
            query = PurgeQuery.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
            if (query.kind() == PurgeQuery.Kind.URL || query.kind() == PurgeQuery.Kind.PREFIX) {
                target = absoluteTarget(query);
            }
        } catch (PurgeQuery.Refused e) {
            AdminReplies.reply(exchange, 400, "{\"error\":\"" + e.getMessage() + "\"}");
            return;
        }
        Set<String> keys;
        CacheInvalidation invalidation;
        switch (query.kind()) {
            case TAG -> {
                keys = store.keysTagged(query.values());
                invalidation = CacheInvalidation.tags(query.values());
            }
            case URL -> {
                keys = store.keysFor(target.authority(), target.originForm());
                invalidation = CacheInvalidation.urls(null, target.authority(), List.of(target.originForm()));
            }
            case PREFIX -> {
                keys = store.keysUnder(target.authority(), target.originForm());
                invalidation = CacheInvalidation.prefix(target.authority(), target.originForm());
            }
            default -> {
                keys = null;
                invalidation = CacheInvalidation.all();
            }
        }
        // Every replica applies it to its own store; this one's is purged by the caffeine-cache step.
        exchange.setProperty(PURGE_REPLICAS, store.announce(invalidation));
        if (keys == null) {
            exchange.setProperty(PURGE_COUNT, store.entries());
            exchange.getMessage().removeHeader(CaffeineConstants.KEYS);
        } else {
            exchange.setProperty(PURGE_COUNT, keys.size());
            exchange.getMessage().setHeader(CaffeineConstants.KEYS, keys);
        }
    }

    /**
     * In shared mode, whether the other replicas were told: {@code "sent"}, or that they were not, so an
     * operator knows to purge again (or on each replica) once Redis is back. Nothing in local mode.
     */
    private static String replicas(Exchange exchange) {
        return switch (exchange.getProperty(PURGE_REPLICAS, InvalidationBus.Outcome.class)) {
            case SENT -> ",\"replicas\":\"sent\"";
            case NOT_SENT -> ",\"replicas\":\"not reached: Redis unavailable\"";
            case LOCAL_MODE -> "";
        };
    }

    /** The {@code url} or {@code prefix} as an absolute target, or refused with why. */
    private static RequestTarget absoluteTarget(PurgeQuery query) {
        String name = query.kind().name().toLowerCase(java.util.Locale.ROOT);
        RequestTarget target;
        try {
            target = RequestTarget.parse(query.values().get(0));
        } catch (RequestTarget.BadRequestTarget e) {
            throw new PurgeQuery.Refused(name + " refused: " + e.getMessage());
        }
        if (target.authority() == null || target.authority().isEmpty()) {
            throw new PurgeQuery.Refused(name + " must be absolute, as http://host/path?query");
        }
        return target;
    }
}
