package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;

/** An object being written into a {@link SharedArenaStore}: its block, writable until it is sealed or aborted. */
final class ArenaObjectBuilder implements ObjectBuilder {
    private final SharedArenaStore store;
    private final ObjectId id;
    private final int slot;
    private final MemorySegment data;

    ArenaObjectBuilder(SharedArenaStore store, ObjectId id, int slot, MemorySegment data) {
        this.store = store;
        this.id = id;
        this.slot = slot;
        this.data = data;
    }

    @Override
    public ObjectId id() {
        return id;
    }

    @Override
    public MemorySegment data() {
        return data;
    }

    @Override
    public void seal() {
        store.seal(id, slot);
    }

    @Override
    public void abort() {
        store.delete(id);
    }
}
