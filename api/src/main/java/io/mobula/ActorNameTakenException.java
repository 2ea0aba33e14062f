package io.mobula;

/** Thrown when an actor is created with a name another live actor already has. */
public class ActorNameTakenException extends MobulaException {
    public ActorNameTakenException(String message) {
        super(message);
    }

    public ActorNameTakenException(String message, Throwable cause) {
        super(message, cause);
    }
}
