package io.serai.support;

/**
 * {@link GrpcBackend} as a process of its own, for bench/http2.sh: {@code GrpcBackendMain NAME} serves on
 * an ephemeral loopback port, prints {@code port N}, and runs until it is killed.
 */
public final class GrpcBackendMain {

    private GrpcBackendMain() {}

    public static void main(String[] args) throws Exception {
        GrpcBackend backend = GrpcBackend.start(args.length > 0 ? args[0] : "bench");
        System.out.println("port " + backend.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
