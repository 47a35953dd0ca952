package io.serai.ingress;

/**
 * Why {@link RequestGrammar} refused a request: the status to answer with and a reason in Serai's own
 * words (never a byte the client sent). A refusal, not a fault, so it carries no stack trace.
 */
final class GrammarViolation extends RuntimeException {

    private final int status;

    GrammarViolation(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
