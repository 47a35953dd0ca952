package io.serai.config;

import io.serai.admin.AdminEndpoints;
import io.serai.admin.AdminRoutes;
import io.serai.admin.AdminSettings;
import io.serai.aggregation.JsonMergeAggregationStrategy;
import io.serai.balancing.BalancerReifiers;
import io.serai.balancing.LoadBalancerBeans;
import io.serai.caching.CacheSettings;
import io.serai.caching.HttpCacheBeans;
import io.serai.caching.HttpCacheStore;
import io.serai.caching.RedisInvalidationBus;
import io.serai.health.PassiveHealthSettings;
import io.serai.http.ErrorVerbosity;
import io.serai.http.body.BodyStream;
import io.serai.http.body.BodyStreamConverter;
import io.serai.ingress.CompressionSettings;
import io.serai.ingress.ForwardingSettings;
import io.serai.ingress.Http2EdgeSettings;
import io.serai.ingress.ListenerDrain;
import io.serai.ingress.ProxyProtocol;
import io.serai.metrics.AccessLog;
import io.serai.metrics.AccessLogService;
import io.serai.metrics.RequestMetrics;
import io.serai.metrics.SeraiMeters;
import io.serai.proxy.GracefulShutdown;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.proxy.ServingCheck;
import io.serai.resilience.BackendBreakers;
import io.serai.resilience.CircuitBreakerReifiers;
import io.serai.security.tls.TlsSettings;
import io.serai.security.upstream.UpstreamTlsSettings;
import io.serai.settings.ProxySettings;
import io.serai.settings.SettingValues;
import io.serai.shared.RedisSettings;
import io.serai.shared.SharedRedis;
import io.serai.tracing.TracingSettings;
import io.serai.tracing.TracingSetup;
import io.serai.upstream.DnsSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Binds what the YAML routes refer to: Serai's {@code netty-http} component (Camel's consumer, Serai's
 * proxy binding and upstream client) configured from application.properties, the load-balancing
 * policies, circuit breakers, the {@code jsonMerge} aggregation, the {@code httpCache} policy, the meters
 * and the admin listener.
 */
public class SeraiConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        ProxySettings settings =
                ProxySettings.from(key -> properties.resolveProperty(key).orElse(null));
        PassiveHealthSettings passiveHealth = PassiveHealthSettings.from(
                key -> properties.resolveProperty(key).orElse(null));
        SeraiMeters meters = new SeraiMeters();
        context.getRegistry().bind(SeraiMeters.BEAN_NAME, meters);
        // camel-micrometer's endpoints (micrometer:counter:...) find Serai's registry under this name.
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters.registry());
        AccessLog accessLog;
        String accessLogTarget = properties.resolveProperty("serai.access-log").orElse("stdout");
        try {
            accessLog = AccessLog.open(accessLogTarget, context);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(
                    "serai.access-log: \"" + accessLogTarget + "\" cannot be written: " + e.getMessage(), e);
        }
        if (accessLog != null) {
            accessLog.bindTo(meters.registry());
            try {
                context.addService(new AccessLogService(accessLog));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        context.addRoutePolicyFactory(new RequestMetrics(meters, accessLog));
        TracingSettings tracing =
                TracingSettings.from(key -> properties.resolveProperty(key).orElse(null));
        if (tracing.enabled()) {
            // Off, no OpenTelemetry class is loaded: trace headers pass through as any other header.
            TracingSetup.install(context, tracing, meters.registry());
        }
        BodyStreamConverter bodies = new BodyStreamConverter();
        for (Class<?> to : new Class<?>[] {byte[].class, String.class, java.io.InputStream.class}) {
            context.getTypeConverterRegistry().addTypeConverter(to, BodyStream.class, bodies);
        }
        ListenerDrain drain = new ListenerDrain();
        ProxyHttpComponent component = new ProxyHttpComponent(
                context,
                settings,
                passiveHealth,
                UpstreamTlsSettings.from(key -> properties.resolveProperty(key).orElse(null)),
                ForwardingSettings.from(key -> properties.resolveProperty(key).orElse(null)),
                drain);
        component.setTls(TlsSettings.from(key -> properties.resolveProperty(key).orElse(null)));
        component.setProxyProtocol(
                ProxyProtocol.from(key -> properties.resolveProperty(key).orElse(null)));
        component.setHttp2(
                Http2EdgeSettings.from(key -> properties.resolveProperty(key).orElse(null)));
        component.setCompression(
                CompressionSettings.from(key -> properties.resolveProperty(key).orElse(null)));
        component.setDns(DnsSettings.from(key -> properties.resolveProperty(key).orElse(null)));
        context.addComponent("netty-http", component);
        GracefulShutdown shutdown = new GracefulShutdown(
                drain,
                SettingValues.duration(
                        "serai.shutdown.timeout",
                        properties.resolveProperty("serai.shutdown.timeout").orElse("25s")));
        context.getManagementStrategy().addEventNotifier(shutdown);
        try {
            // Camel's health-check registry exists once the context starts.
            context.addStartupListener((started, alreadyStarted) -> ServingCheck.register(started, drain));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        component.backendHealth().bindTo(meters.registry());
        BalancerReifiers.register();
        BackendBreakers breakers = new BackendBreakers();
        context.getRegistry().bind(BackendBreakers.BEAN_NAME, breakers);
        breakers.bindTo(meters.registry());
        CircuitBreakerReifiers.register(context, breakers);
        LoadBalancerBeans.bindDefaults(context.getRegistry());
        long maxAggregateBody = SettingValues.bytes(
                "serai.aggregate.max-body",
                properties.resolveProperty("serai.aggregate.max-body").orElse("2MiB"));
        ErrorVerbosity errors = new ErrorVerbosity(SettingValues.bool(
                ErrorVerbosity.SETTING,
                properties.resolveProperty(ErrorVerbosity.SETTING).orElse("false")));
        context.getRegistry().bind(ErrorVerbosity.BEAN_NAME, errors);
        context.getRegistry().bind("jsonMerge", new JsonMergeAggregationStrategy(maxAggregateBody, errors.verbose()));
        RedisSettings redis =
                RedisSettings.from(key -> properties.resolveProperty(key).orElse(null));
        if (redis != null) {
            SharedRedis shared = new SharedRedis(redis);
            context.getRegistry().bind(SharedRedis.BEAN_NAME, shared);
            shared.bindTo(meters.registry());
            try {
                context.addService(shared);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        HttpCacheStore cache = HttpCacheBeans.bind(
                context.getRegistry(),
                CacheSettings.from(key -> properties.resolveProperty(key).orElse(null)),
                settings.viaName());
        cache.bindTo(meters.registry());
        RedisInvalidationBus.connect(SharedRedis.lookup(context), cache, meters.registry());
        AdminSettings admin =
                AdminSettings.from(key -> properties.resolveProperty(key).orElse(null));
        if (admin.enabled()) {
            drain.keepAccepting(admin.port());
            try {
                context.addRoutes(new AdminRoutes(admin, cache, new AdminEndpoints(meters)));
            } catch (Exception e) {
                throw new IllegalStateException("serai: the admin listener's routes: " + e.getMessage(), e);
            }
        }
    }
}
