package io.mobula.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages this process has received that did not parse ({@link MalformedMessageException}).
 * A node reports it in its status; a rising count means a peer of another build, or damage, on
 * some endpoint of this process.
 * <p>
 * One count per process, not per component: a decode happens wherever a payload is read, with no
 * context at hand to hold a counter, and a process is what a reader of the count asks about.
 */
public final class WireErrors {
    private static final AtomicLong COUNT = new AtomicLong();

    private WireErrors() {
    }

    /** @return the messages rejected as malformed by this process since it started. */
    public static long count() {
        return COUNT.get();
    }

    static void counted() {
        COUNT.incrementAndGet();
    }
}
