package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;

/**
 * A pinned object of an arena, as the node or a reader process sees it: its bytes in place, read
 * only, until {@link #close()} gives the pin back (once; later calls do nothing). What a pin is,
 * and how one outlives the view, is the owner's business.
 */
final class PinnedView implements ObjectView {
    /** The store or reader the pin belongs to. */
    interface Owner {
        void unpin(int slot);

        /** Holds another pin on {@code slot} for as long as {@code holder} is reachable. */
        void retain(int slot, Object holder);
    }

    private final ObjectId id;
    /** The pinned slot, or -1 once the pin is given back (one field less keeps the view at 32 bytes). */
    private int slot;
    private final int kind;
    private final MemorySegment data;
    private final Owner owner;

    PinnedView(ObjectId id, int slot, int kind, MemorySegment data, Owner owner) {
        this.id = id;
        this.slot = slot;
        this.kind = kind;
        this.data = data;
        this.owner = owner;
    }

    @Override
    public ObjectId id() {
        return id;
    }

    @Override
    public int kind() {
        return kind;
    }

    @Override
    public MemorySegment data() {
        return data;
    }

    @Override
    public void retainBytes(Object holder) {
        if (slot < 0) {
            throw new IllegalStateException("view of " + id + " is closed: retain its bytes before closing it");
        }
        owner.retain(slot, holder);
    }

    @Override
    public void close() {
        int pinned = slot;
        if (pinned >= 0) {
            slot = -1;
            owner.unpin(pinned);
        }
    }
}
