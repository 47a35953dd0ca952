package io.serai.cli;

import io.serai.config.SeraiConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/** Camel Main set up as Serai starts it, shared by a start and {@code --check} so both see the same settings. */
public final class CamelMains {

    private CamelMains() {}

    /** Camel Main with Serai's configuration, resolving classes named in YAML through {@code plugins}. */
    public static Main withSeraiConfiguration(ClassLoader plugins) {
        Main main = new Main();
        main.configure().addConfiguration(SeraiConfiguration.class);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // Camel resolves classes named in YAML (bean types, #class:...) and component
                // service files through this loader.
                m.getCamelContext().setApplicationContextClassLoader(plugins);
            }
        });
        return main;
    }
}
