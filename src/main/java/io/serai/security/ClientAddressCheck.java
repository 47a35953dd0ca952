package io.serai.security;

import io.serai.http.AddressRules;
import io.serai.http.IngressRequest;
import io.serai.http.RequestKeys;
import io.serai.http.ResolvedClient;
import io.serai.http.TrustedProxies;
import org.apache.camel.Exchange;

import java.net.InetSocketAddress;

/**
 * Lets a request on by its client's address: {@code deny} (addresses and CIDR blocks) is refused,
 * and when {@code allow} is set, anything not in it is refused too; deny wins over allow. The client is
 * the one Serai resolved at ingress ({@link ResolvedClient}: the peer, or the client behind one of
 * {@code serai.trusted-proxies}). {@code trustedProxies} overrides that list for this check alone: the
 * client is then found from the same peer behind these proxies ({@link TrustedProxies}), while every
 * other feature, and the exchange property {@value #CLIENT_ADDRESS}, keep the process-wide decision.
 * A refusal is 403.
 */
public class ClientAddressCheck extends AccessCheck {

    /** Exchange property: the client's address as Serai resolved it at ingress, e.g. {@code 203.0.113.7}. */
    public static final String CLIENT_ADDRESS = ResolvedClient.CLIENT_ADDRESS;

    private static final String REFUSED = "client address not allowed";

    private AddressRules allow = AddressRules.NONE;
    private AddressRules deny = AddressRules.NONE;
    /** Null: the process-wide serai.trusted-proxies decide, as resolved at ingress. */
    private TrustedProxies proxies;

    public void setAllow(String allow) {
        this.allow = AddressRules.parse("client address check allow", allow);
    }

    public void setDeny(String deny) {
        this.deny = AddressRules.parse("client address check deny", deny);
    }

    public void setTrustedProxies(String trustedProxies) {
        this.proxies = new TrustedProxies(AddressRules.parse("client address check trustedProxies", trustedProxies));
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException("client address check: set allow or deny (comma-separated addresses"
                    + " and CIDR blocks, e.g. 10.0.0.0/8, 2001:db8::/32)");
        }
    }

    @Override
    protected String kind() {
        return "client-address";
    }

    /** An address is not a credential: what a cache may share is not changed by this check. */
    @Override
    protected boolean readsCredentials() {
        return false;
    }

    @Override
    protected Verdict check(Exchange exchange) {
        ResolvedClient resolved = RequestKeys.resolvedClient(exchange);
        if (resolved == null) {
            return Verdict.forbidden("client address unknown");
        }
        InetSocketAddress client = resolved.client();
        if (proxies != null) {
            IngressRequest ingress = IngressRequest.of(exchange);
            client = proxies.clientOf(resolved.peer(), ingress == null ? null : ingress.headers());
        }
        if (deny.matches(client) || (!allow.isEmpty() && !allow.matches(client))) {
            return Verdict.forbidden(REFUSED);
        }
        return Verdict.allow();
    }
}
