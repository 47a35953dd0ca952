package io.serai.health;

/**
 * A backend endpoint as a load balancer sees it: the health it shares with every route that uses the
 * same backend, and the member options its URI gives. The proxy's endpoint implements it, so a balancer
 * learns its members from the built route without knowing the endpoint class.
 */
public interface MemberEndpoint {

    /** The health of the backend this endpoint sends to. */
    BackendHealth backendHealth();

    /** The health-check, load-report and concurrency options on this endpoint's URI. */
    MemberOptions memberOptions();

    /** Sends this endpoint's health checks and load reports as its traffic goes, over the same TLS. */
    ProbeClient probeClient();
}
