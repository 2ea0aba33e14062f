package io.mobula;

/**
 * A call lost while its actor restarts (Ray's {@code ActorUnavailableError}): the instance it ran on
 * was killed with a restart, or its worker process or node died under it. The actor itself lives
 * on while its restarts allow: later calls run on the new instance; this one runs again only if its
 * own {@code maxRetries} allows. Any other {@link ActorDiedException} means the actor is gone.
 */
public class ActorUnavailableException extends ActorDiedException {
    public ActorUnavailableException(String message) {
        super(message);
    }

    public ActorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
