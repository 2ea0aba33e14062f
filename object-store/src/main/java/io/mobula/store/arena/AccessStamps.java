package io.mobula.store.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's LRU stamps, one per index slot, in its own heap: when each object was last filled or
 * got, as a count of such events. Spilling picks the smallest stamps. Kept out of the shared slot
 * so a get writes no cache line that other processes read on every lookup.
 * <p>
 * Thread safe without the store's lock: the clock is one atomic counter, and a slot's stamp only
 * grows (a compare-and-set keeps the larger of two racing gets' stamps). A stamp is written while
 * the object is pinned or by the node under its lock, so it never lands on a slot the object has
 * left; the node carries it along when it moves the object.
 */
final class AccessStamps {
    private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicLong clock = new AtomicLong();
    private final long[] stamps;

    AccessStamps(int slots) {
        this.stamps = new long[slots];
    }

    /** The object in {@code slot} was filled or got just now. */
    void touch(int slot) {
        long now = clock.incrementAndGet();
        long seen = (long) STAMP.getOpaque(stamps, slot);
        while (seen < now) {
            long witness = (long) STAMP.compareAndExchange(stamps, slot, seen, now);
            if (witness == seen) {
                return;
            }
            seen = witness;
        }
    }

    /** A new object takes {@code slot}: its stamp starts now, whatever the slot's last object had. */
    void reset(int slot) {
        STAMP.setVolatile(stamps, slot, clock.incrementAndGet());
    }

    /** The node moved an object from one slot to another (under its lock, the object unpinned). */
    void move(int from, int to) {
        STAMP.setVolatile(stamps, to, (long) STAMP.getVolatile(stamps, from));
    }

    /** When the object in {@code slot} was last filled or got: larger is more recent. */
    long stamp(int slot) {
        return (long) STAMP.getVolatile(stamps, slot);
    }
}
