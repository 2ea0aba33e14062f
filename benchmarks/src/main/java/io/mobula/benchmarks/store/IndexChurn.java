package io.mobula.benchmarks.store;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.store.arena.SharedArenaStore;

/**
 * A shared arena whose index is kept three quarters full of small objects, turned over one
 * create and one delete at a time (the oldest object goes, so holes open all over the index): what
 * a node's index looks like after a long life. Used by {@code IndexChurnBenchmark} (JMH) and by
 * {@code mobula store-benchmark} to compare a fresh arena with one that has seen many cycles.
 * Single-threaded; close it.
 */
public final class IndexChurn implements AutoCloseable {
    private static final long OBJECT_BYTES = 64;

    private final SharedArenaStore store;
    private final ObjectId[] live;
    private final long tag;
    private int oldest;
    private long next;

    /** An arena of {@code capacityBytes} with its index filled to three quarters. */
    public IndexChurn(long capacityBytes, long tag) {
        this.store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacityBytes), true);
        this.tag = tag;
        this.live = new ObjectId[store.layout().indexSlots() * 3 / 4];
        for (int i = 0; i < live.length; i++) {
            live[i] = create();
        }
    }

    /** Ids spread over the index like random ones, but reproducible. */
    private ObjectId nextId() {
        long n = ++next;
        return new ObjectId(tag, n * 0xD6E8FEB86659FD93L ^ Long.rotateLeft(n, 29));
    }

    private ObjectId create() {
        ObjectId id = nextId();
        store.create(id, OBJECT_BYTES, 2).seal();
        return id;
    }

    private void retireOldest(ObjectId replacement) {
        store.delete(live[oldest]);
        live[oldest] = replacement;
        oldest = oldest + 1 == live.length ? 0 : oldest + 1;
    }

    /** {@code cycles} times: create an object, delete the oldest. */
    public void churn(long cycles) {
        for (long c = 0; c < cycles; c++) {
            retireOldest(create());
        }
    }

    /** One create, seal and get (pin, read, unpin) of a new object, and the delete of the oldest: @return its size. */
    public long createGetDelete() {
        ObjectId id = create();
        long size;
        try (ObjectView view = store.get(id, 0)) {
            size = view.data().byteSize();
        }
        retireOldest(id);
        return size;
    }

    /** A lookup of an id the arena never held: what every create and every waiting reader's wake-up pays. */
    public boolean miss() {
        return store.contains(new ObjectId(tag + 1, ++next));
    }

    public int indexSlots() {
        return store.layout().indexSlots();
    }

    public int liveObjects() {
        return live.length;
    }

    @Override
    public void close() {
        store.close();
    }
}
