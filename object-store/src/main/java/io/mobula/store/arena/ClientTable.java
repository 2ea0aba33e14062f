package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The node's side of the arena's client table: it registers itself as client 0, and reclaims the
 * entries of readers that died, with their pin rows, so their pins stop holding objects.
 * Readers claim and free their own entries ({@link ArenaReader}, or C's mobula_store_open).
 */
final class ClientTable {
    /** The node's own entry and pin row. */
    static final int NODE_CLIENT = 0;

    /** The control file, where the client table and the pin table are. */
    private final MemorySegment arena;
    private final ArenaDescriptor layout;

    ClientTable(MemorySegment control, ArenaDescriptor layout) {
        this.arena = control;
        this.layout = layout;
    }

    /** Writes the node's entry; before the header, so a reader never sees the arena without it. */
    void registerNode(long pid) {
        long entry = layout.clientOffset(NODE_CLIENT);
        arena.set(ValueLayout.JAVA_LONG, entry + ArenaDescriptor.CLIENT_PID_OFFSET, pid);
        arena.set(ValueLayout.JAVA_LONG, entry + ArenaDescriptor.CLIENT_START_TIME_OFFSET, ProcessLiveness.startTime(pid));
    }

    /**
     * Frees the entry of every reader whose process is gone (or whose pid now belongs to a process
     * with another start time), zeroing its pin row first so a later reader in that entry starts
     * with no pins. An entry whose start time is not written yet is a reader still registering:
     * left alone. Called by the node only, one caller at a time.
     */
    void reclaimDead() {
        for (int client = NODE_CLIENT + 1; client < layout.maxClients(); client++) {
            long entry = layout.clientOffset(client);
            long pid = (long) ArenaDescriptor.LONG.getVolatile(arena, entry + ArenaDescriptor.CLIENT_PID_OFFSET);
            if (pid == 0) {
                continue;
            }
            long started = arena.get(ValueLayout.JAVA_LONG, entry + ArenaDescriptor.CLIENT_START_TIME_OFFSET);
            if (started != 0 && !ProcessLiveness.isAlive(pid, started)) {
                arena.asSlice(layout.pinRowOffset(client), layout.pinRowBytes()).fill((byte) 0);
                ArenaDescriptor.LONG.setRelease(arena, entry + ArenaDescriptor.CLIENT_PID_OFFSET, 0L);
            }
        }
    }
}
