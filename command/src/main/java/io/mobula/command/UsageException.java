package io.mobula.command;

/** A command line the CLI cannot run: an unknown command or flag, or a missing value. */
public class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
