package io.serai.health;

import org.apache.camel.AsyncProcessor;

import java.util.List;
import java.util.function.Consumer;

/**
 * A backend endpoint as a load balancer sees it: the health it shares with every route that uses the
 * same backend, and the member options its URI gives. The proxy's endpoint implements it, so a balancer
 * learns its members from the built route without knowing the endpoint class.
 */
public interface MemberEndpoint {

    /**
     * The backend's origin ({@code http://127.0.0.1:9001}), which names its health and its member; known
     * before anything resolves or starts, so a route's settings can be refused naming it.
     */
    String origin();

    /** The health of the backend this endpoint sends to. */
    BackendHealth backendHealth();

    /** The health-check, load-report and concurrency options on this endpoint's URI. */
    MemberOptions memberOptions();

    /** Sends this endpoint's health checks and load reports as its traffic goes, over the same TLS. */
    ProbeClient probeClient();

    /**
     * For an endpoint whose name stands for all its addresses ({@code resolve=all}): the members its
     * {@code output} is, one per address, kept current until closed; {@code onChange} gets each new list
     * whole. Null for an endpoint that is one member.
     */
    default AddressMembers addressMembers(AsyncProcessor output, Consumer<List<AddressMember>> onChange) {
        return null;
    }

    /** The members an endpoint with {@code resolve=all} is now, and the watch that keeps them current. */
    interface AddressMembers extends AutoCloseable {

        List<AddressMember> now();

        @Override
        void close();
    }
}
