package io.serai.security;

import io.serai.ingress.IngressRequest;
import io.serai.ingress.RequestKeys;
import org.apache.camel.Exchange;

import java.net.InetSocketAddress;

/**
 * Lets a request on by its client's address: {@code deny} (addresses and CIDR blocks) is refused,
 * and when {@code allow} is set, anything not in it is refused too; deny wins over allow. The client is
 * the connection's peer unless the peer is one of {@code trustedProxies}: then it is the first address
 * in X-Forwarded-For, read from the right, that is not a trusted proxy ({@link TrustedProxies}).
 * A refusal is 403. The address decided on is kept in the exchange property
 * {@value #CLIENT_ADDRESS} for later steps.
 */
public class ClientAddressCheck extends AccessCheck {

    /** Exchange property: the client's address as this check resolved it, e.g. {@code 203.0.113.7}. */
    public static final String CLIENT_ADDRESS = "seraiClientAddress";

    private static final String REFUSED = "client address not allowed";

    private AddressRules allow = AddressRules.NONE;
    private AddressRules deny = AddressRules.NONE;
    private TrustedProxies proxies = new TrustedProxies(AddressRules.NONE);

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
    protected void doStart() throws Exception {
        super.doStart();
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
        InetSocketAddress peer = RequestKeys.clientSocketAddress(exchange);
        if (peer == null) {
            return Verdict.forbidden("client address unknown");
        }
        IngressRequest ingress = IngressRequest.of(exchange);
        InetSocketAddress client = proxies.clientOf(peer, ingress == null ? null : ingress.headers());
        exchange.setProperty(CLIENT_ADDRESS, client.getAddress().getHostAddress());
        if (deny.matches(client) || (!allow.isEmpty() && !allow.matches(client))) {
            return Verdict.forbidden(REFUSED);
        }
        return Verdict.allow();
    }
}
