package io.mobula.cluster.objects;

import io.mobula.MobulaException;

/**
 * A node could not fetch an argument of a call from the node holding it (that node died, or did
 * not answer in time). Sent back to the call's owner, who makes the argument again if its holder
 * turns out to be dead, and sends the call again.
 */
public final class ArgumentUnavailableException extends MobulaException {
    public ArgumentUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
