package io.serai.tracing;

/** One call to a backend as it is traced: its client span, ended once with how the call ended. */
public interface UpstreamAttempt {

    /** What every call gets while tracing is off or the request has no server span: nothing. */
    UpstreamAttempt NONE = (status, errorType) -> {};

    /**
     * Ends the client span: {@code status} the backend's status (0 when none came back), {@code errorType}
     * the failure's kind ({@link FailureKinds}) or null.
     */
    void ended(int status, String errorType);
}
