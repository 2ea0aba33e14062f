package io.mobula.runtime;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.mobula.MobulaException;
import io.mobula.store.ObjectId;

/**
 * The entries of refs written inside values, by id, so a value read back on this node finds the
 * same entries. Held weakly: a nested ref does not keep its object alive here (the stored value
 * that nests it does), and ids whose entries were collected are swept now and then.
 */
final class NestedRefs {
    private static final int SWEEP_EVERY = 4096;

    private final Map<ObjectId, WeakReference<ObjectEntry>> exported = new ConcurrentHashMap<>();
    private final AtomicInteger exportsSinceSweep = new AtomicInteger();

    /** A ref is being serialized inside a value: remember its entry so a reader here can find it. */
    void export(ObjectEntry entry) {
        exported.computeIfAbsent(entry.id(), id -> new WeakReference<>(entry));
        if (exportsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            exportsSinceSweep.set(0);
            exported.values().removeIf(ref -> ref.get() == null);
        }
    }

    /** The entry of a nested ref being deserialized; a failed entry if nothing refers to it any more. */
    ObjectEntry entryOf(ObjectId id) {
        WeakReference<ObjectEntry> ref = exported.get(id);
        ObjectEntry entry = ref == null ? null : ref.get();
        if (entry != null) {
            return entry;
        }
        return new ObjectEntry(id, new StoredValues.Failed(new MobulaException("object " + id + " was freed: nothing "
            + "referred to it when this ref was read back; keep a ref to it while it is needed")));
    }
}
