package io.serai.http.grpc;

import io.netty.handler.codec.http.HttpHeaders;
import io.serai.http.UpstreamException;

/**
 * The grpc-status a gRPC request ended with, as the access log ({@code grpc_status}) and
 * {@code serai_grpc_responses_total} name it: the code as a number ("0" to "16"), or {@link #NONE} when the
 * answer carried none (a stream cut short, a backend that sent no trailers). Read from, in order: the
 * failure Serai answered itself, the response's own headers (a trailers-only answer), the status Serai
 * gave a non-gRPC answer ({@link GrpcAnswers#reshape}), the response's trailers.
 */
public final class GrpcOutcome {

    public static final String NONE = "none";

    private static final String[] LABELS = new String[GrpcStatus.values().length];

    static {
        for (GrpcStatus status : GrpcStatus.values()) {
            LABELS[status.code()] = String.valueOf(status.code());
        }
    }

    private GrpcOutcome() {}

    /**
     * @param httpStatus     the HTTP status the route answered (before Serai reshaped it for the client)
     * @param failure        the failure Serai answered, or null
     * @param contentType    the answer's content type, or null
     * @param headerStatus   the answer's {@code grpc-status} header, or null
     * @param trailers       the answer's trailers (null when none came or they are not known)
     */
    public static String of(
            int httpStatus, Throwable failure, String contentType, String headerStatus, HttpHeaders trailers) {
        if (failure != null) {
            return label(
                    failure instanceof UpstreamException upstream
                            ? GrpcStatus.forFailure(upstream)
                            : GrpcStatus.INTERNAL);
        }
        if (headerStatus != null) {
            return label(headerStatus);
        }
        if (httpStatus != 200 && !GrpcContentTypes.isGrpcFamily(contentType)) {
            return label(GrpcStatus.forHttpStatus(httpStatus));
        }
        return trailers == null ? NONE : label(trailers.get(GrpcAnswers.GRPC_STATUS));
    }

    public static String label(GrpcStatus status) {
        return LABELS[status.code()];
    }

    /** A backend's grpc-status as a label: one of the 17 codes, else {@link #NONE}, so labels stay bounded. */
    public static String label(String grpcStatus) {
        if (grpcStatus == null) {
            return NONE;
        }
        try {
            GrpcStatus status = GrpcStatus.ofCode(Integer.parseInt(grpcStatus.trim()));
            return status == null ? NONE : label(status);
        } catch (NumberFormatException e) {
            return NONE;
        }
    }
}
