package io.serai.routing;

import io.serai.http.HostNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host names a listener route serves, from its {@code virtualHosts} option: exact names
 * ({@code api.example.com}) and wildcards ({@code *.example.com}: any name that ends in
 * {@code .example.com}, at any depth, as nginx's {@code server_name}), compared without case, port or
 * trailing dot. A route without the option serves every host that no other route names.
 */
public record VirtualHosts(List<String> exact, List<String> wildcardSuffixes) {

    public static final VirtualHosts ANY = new VirtualHosts(List.of(), List.of());

    /** Parses a comma-separated list; {@code what} names the option in errors. */
    public static VirtualHosts parse(String list, String what) {
        if (list == null || list.isBlank()) {
            return ANY;
        }
        List<String> exact = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        for (String item : list.split(",")) {
            String name = item.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.startsWith("*.")) {
                String suffix = name.substring(1);
                check(suffix.substring(1), item, what);
                wildcards.add(suffix);
            } else {
                check(name, item, what);
                exact.add(HostNames.name(name));
            }
        }
        return new VirtualHosts(List.copyOf(exact), List.copyOf(wildcards));
    }

    private static void check(String name, String item, String what) {
        boolean ok = !name.isEmpty() && name.indexOf(':') < 0 && HostNames.isAuthority(name) && name.indexOf('*') < 0;
        if (!ok) {
            throw new IllegalArgumentException(what + ": \"" + item.trim() + "\" is not a host name or *.domain"
                    + " (no port, no other wildcard)");
        }
    }

    public boolean isAny() {
        return exact.isEmpty() && wildcardSuffixes.isEmpty();
    }

    @Override
    public String toString() {
        if (isAny()) {
            return "any host";
        }
        List<String> all = new ArrayList<>(exact);
        wildcardSuffixes.forEach(s -> all.add("*" + s));
        return String.join(",", all);
    }
}
