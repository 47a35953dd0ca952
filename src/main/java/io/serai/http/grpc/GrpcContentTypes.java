package io.serai.http.grpc;

/**
 * The content types of gRPC ({@code application/grpc}, {@code application/grpc+proto}, ...) and of gRPC-Web
 * ({@code application/grpc-web}, {@code application/grpc-web+proto}, {@code application/grpc-web-text},
 * {@code application/grpc-web-text+proto}), matched case-insensitively and with parameters allowed.
 */
public final class GrpcContentTypes {

    public static final String GRPC = "application/grpc";
    public static final String GRPC_WEB = "application/grpc-web";
    public static final String GRPC_WEB_TEXT = "application/grpc-web-text";

    private GrpcContentTypes() {}

    /** gRPC proper: {@code application/grpc} alone or with a {@code +} suffix (never gRPC-Web). */
    public static boolean isGrpc(String contentType) {
        return is(contentType, GRPC);
    }

    /** gRPC-Web, binary or text. */
    public static boolean isGrpcWeb(String contentType) {
        return is(contentType, GRPC_WEB) || isGrpcWebText(contentType);
    }

    /** gRPC-Web whose messages travel in base64. */
    public static boolean isGrpcWebText(String contentType) {
        return is(contentType, GRPC_WEB_TEXT);
    }

    /** gRPC or gRPC-Web. */
    public static boolean isGrpcFamily(String contentType) {
        return isGrpc(contentType) || isGrpcWeb(contentType);
    }

    /** The content type of Serai's own answer to a request of {@code requestType}: the same family. */
    public static String answerType(String requestType) {
        if (isGrpcWebText(requestType)) {
            return GRPC_WEB_TEXT;
        }
        return isGrpcWeb(requestType) ? GRPC_WEB : GRPC;
    }

    /**
     * {@code type} followed by nothing, a {@code +} suffix or parameters: {@code application/grpc-web}
     * is not {@code application/grpc}.
     */
    private static boolean is(String contentType, String type) {
        if (contentType == null || !contentType.regionMatches(true, 0, type, 0, type.length())) {
            return false;
        }
        if (contentType.length() == type.length()) {
            return true;
        }
        char next = contentType.charAt(type.length());
        return next == '+' || next == ';' || next == ' ';
    }
}
