package io.serai.security;

import io.serai.http.ResponseHeaderEdits;
import io.serai.http.ResponseHeaderEdits.Edit;
import io.serai.http.ResponseHeaderEdits.Kind;
import io.serai.settings.SettingValues;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * Security fields a route adds to every answer it gives (the backend's, a cached one, a refusal or an
 * error), as a step before the ones that call a backend ({@code - process: {ref: <bean>}}).
 * By default a backend's own value of a field is kept (so its {@code Content-Security-Policy} passes
 * through) and Serai's is added where the backend sent none; {@code override: true} replaces them.
 * {@code Strict-Transport-Security} is sent only on a TLS listener, as RFC 6797 section 7.2 requires.
 * A field set to {@code off} is not added.
 */
public class SecurityHeaders implements Processor {

    static final String OFF = "off";

    private String hsts = "max-age=31536000";
    private String contentTypeOptions = "nosniff";
    private String frameOptions = "DENY";
    private String referrerPolicy = OFF;
    private String contentSecurityPolicy = OFF;
    private boolean override;
    private List<String> hide = List.of();
    private volatile List<Edit> plain;
    private volatile List<Edit> secure;

    public void setHsts(String hsts) {
        this.hsts = value("hsts", hsts);
    }

    public void setContentTypeOptions(String contentTypeOptions) {
        this.contentTypeOptions = value("contentTypeOptions", contentTypeOptions);
    }

    public void setFrameOptions(String frameOptions) {
        String v = value("frameOptions", frameOptions);
        if (!v.equals(OFF) && !v.equalsIgnoreCase("DENY") && !v.equalsIgnoreCase("SAMEORIGIN")) {
            throw new IllegalArgumentException(
                    "security headers frameOptions=" + frameOptions
                            + " is invalid: expected DENY, SAMEORIGIN or off (use contentSecurityPolicy frame-ancestors for more)");
        }
        this.frameOptions = v.equals(OFF) ? OFF : v.toUpperCase(java.util.Locale.ROOT);
    }

    public void setReferrerPolicy(String referrerPolicy) {
        this.referrerPolicy = value("referrerPolicy", referrerPolicy);
    }

    public void setContentSecurityPolicy(String contentSecurityPolicy) {
        this.contentSecurityPolicy = value("contentSecurityPolicy", contentSecurityPolicy);
    }

    /** Replace a backend's own values of these fields instead of keeping them. */
    public void setOverride(boolean override) {
        this.override = override;
    }

    /** Response fields never passed to the client, comma-separated (such as {@code Server, X-Powered-By}). */
    public void setHideHeaders(String names) {
        this.hide = SettingValues.list(names);
    }

    @Override
    public void process(Exchange exchange) {
        ResponseHeaderEdits.of(exchange).addAll(overTls(exchange.getFromEndpoint()) ? secure() : plain());
    }

    private static boolean overTls(Endpoint from) {
        return from instanceof NettyHttpEndpoint netty
                && netty.getConfiguration().isSsl();
    }

    private List<Edit> plain() {
        List<Edit> p = plain;
        if (p == null) {
            p = edits(false);
            plain = p;
        }
        return p;
    }

    private List<Edit> secure() {
        List<Edit> s = secure;
        if (s == null) {
            s = edits(true);
            secure = s;
        }
        return s;
    }

    private List<Edit> edits(boolean tls) {
        List<Edit> out = new ArrayList<>();
        for (String name : hide) {
            out.add(new Edit(Kind.REMOVE, name, null));
        }
        if (tls) {
            field(out, "Strict-Transport-Security", hsts);
        }
        field(out, "X-Content-Type-Options", contentTypeOptions);
        field(out, "X-Frame-Options", frameOptions);
        field(out, "Referrer-Policy", referrerPolicy);
        field(out, "Content-Security-Policy", contentSecurityPolicy);
        return List.copyOf(out);
    }

    private void field(List<Edit> out, String name, String value) {
        if (!value.equals(OFF)) {
            out.add(new Edit(override ? Kind.SET : Kind.SET_IF_ABSENT, name, value));
        }
    }

    private static String value(String setting, String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.chars().anyMatch(c -> c < 32 || c == 127)) {
            throw new IllegalArgumentException(
                    "security headers " + setting + "=" + value + " is invalid: expected a field value, or off");
        }
        return v.equalsIgnoreCase(OFF) ? OFF : v;
    }
}
