package io.serai.ingress;

import io.serai.http.AddressRules;
import io.serai.http.TrustedProxies;
import io.serai.settings.SettingValues;

import java.util.function.UnaryOperator;

/**
 * What Serai believes of the forwarding fields a peer sends: {@code serai.trusted-proxies} (the proxies
 * whose X-Forwarded-* and Forwarded are kept and whose X-Forwarded-For names the client; nobody by
 * default), and {@code serai.forwarded.rfc7239} (whether Serai states its hop in an RFC 7239 Forwarded
 * field too). Parsed once at start; a bad entry fails the start naming the key.
 */
public record ForwardingSettings(TrustedProxies trustedProxies, boolean rfc7239) {

    public static final String TRUSTED_PROXIES = "serai.trusted-proxies";
    public static final String RFC7239 = "serai.forwarded.rfc7239";

    public static ForwardingSettings from(UnaryOperator<String> lookup) {
        return new ForwardingSettings(
                new TrustedProxies(AddressRules.parse(TRUSTED_PROXIES, lookup.apply(TRUSTED_PROXIES))),
                SettingValues.bool(RFC7239, SettingValues.orDefault(lookup, RFC7239, "false")));
    }
}
