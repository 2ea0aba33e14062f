package io.mobula;

/** Thrown for calls to an actor that is dead: killed, out of restarts, or whose constructor failed. */
public class ActorDiedException extends MobulaException {
    public ActorDiedException(String message) {
        super(message);
    }

    public ActorDiedException(String message, Throwable cause) {
        super(message, cause);
    }
}
