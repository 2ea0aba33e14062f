package io.mobula.transport;

import java.io.IOException;

/**
 * A payload that does not parse as the message its receiver expected, whole: cut short, a length
 * that runs past the end, a value out of range, another schema, or a schema version newer than this
 * build's. The receiver drops (or answers a failure for) the one message and keeps running; every
 * instance is counted by {@link WireErrors}.
 * <p>
 * An {@link IOException} so that callers which already treat a failed read as an I/O failure keep
 * doing so. For efficiency, and because junk from the wire is not a bug of this process, it carries
 * no stack trace.
 */
public final class MalformedMessageException extends IOException {
    private final String messageName;
    private final String field;

    /**
     * @param messageName the message the bytes were read as (a schema message's name)
     * @param field       the field that did not parse, or {@code "header"} for the message header
     * @param problem     what was wrong with it
     */
    public MalformedMessageException(String messageName, String field, String problem) {
        super(messageName + "." + field + ": " + problem + "; the sender speaks another wire schema (version "
            + WireInput.SCHEMA_VERSION + " expected) or the message was damaged: run one Mobula build across the "
            + "cluster, and check what else writes to this endpoint");
        this.messageName = messageName;
        this.field = field;
        WireErrors.counted();
    }

    /** The message the bytes were read as. */
    public String messageName() {
        return messageName;
    }

    /** The field that did not parse ({@code "header"} for the message header). */
    public String field() {
        return field;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
