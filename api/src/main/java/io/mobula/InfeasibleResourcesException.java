package io.mobula;

/** Thrown at {@code remote()} for a resource request that no node could ever satisfy. */
public class InfeasibleResourcesException extends MobulaException {
    public InfeasibleResourcesException(String message) {
        super(message);
    }

    public InfeasibleResourcesException(String message, Throwable cause) {
        super(message, cause);
    }
}
