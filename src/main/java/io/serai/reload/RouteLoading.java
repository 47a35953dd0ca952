package io.serai.reload;

import io.serai.config.RouteLocations;
import io.serai.proxy.ProxyHttpComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Hooks Serai's route loading into camel-main: every route file is loaded before Camel starts, and
 * the files are watched once it runs. Replaces camel-main's routes-include-pattern, which cannot keep
 * the last good routes when a file breaks.
 */
public final class RouteLoading extends MainListenerSupport {

    private final RouteLocations locations;
    private RouteReloader reloader;

    public RouteLoading(RouteLocations locations) {
        this.locations = locations;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        ReloadSettings settings =
                ReloadSettings.from(key -> properties.resolveProperty(key).orElse(null));
        ProxyHttpComponent component = context.getComponent("netty-http", ProxyHttpComponent.class);
        reloader = new RouteReloader(
                context, new RouteFiles(locations), settings, component.generations(), component::stopUnusedServers);
        try {
            reloader.loadAll();
        } catch (RouteFileException e) {
            throw new BrokenRoutesException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        reloader.start();
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        if (reloader != null) {
            reloader.close();
        }
    }

    /** The route files at start are broken: Serai does not start. */
    public static final class BrokenRoutesException extends RuntimeException {
        public BrokenRoutesException(RouteFileException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
