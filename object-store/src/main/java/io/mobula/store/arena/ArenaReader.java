package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreClosedException;

/**
 * A local process's window on a node's arena: maps the data file read-only (opened for reading
 * only, so a reader needs no write permission on it), registers itself in the control file's
 * client table, and reads sealed objects in place, pinning them while it holds a view. Nothing is
 * copied and the node is not asked: lookups and pins are lock-free in the mapped index.
 * <p>
 * Its only writes are its client-table entry and its own row of pin counters, both in the control
 * file. If the process dies holding pins, the node sees the pid gone and zeroes the row.
 */
public final class ArenaReader implements AutoCloseable {
    private final Arena mapping = Arena.ofShared();
    private final MemorySegment arena;
    private final MemorySegment clientEntry;
    private final MemorySegment pinRow;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final SealSequence seals;
    private volatile boolean closed;
    private final PinnedView.Owner pins = new PinnedView.Owner() {
        @Override
        public void unpin(int slot) {
            if (!closed) {
                index.unpin(slot);
            }
        }

        @Override
        public void retain(int slot, Object holder) {
            index.pinAgain(slot);
            retained.register(holder, () -> unpin(slot)); // the object stays put while the value reading it lives
        }
    };
    private final java.lang.ref.Cleaner retained = java.lang.ref.Cleaner.create(r -> {
        Thread t = new Thread(r, "mobula-reader-cleaner");
        t.setDaemon(true);
        return t;
    });

    /**
     * Attaches to the arena whose data file is {@code path} (its control file is beside it).
     *
     * @throws IllegalArgumentException if the file name does not end with {@code .arena}.
     * @throws IllegalStateException if the file is not an arena of this format, or its client table is full.
     * @throws UncheckedIOException if either file cannot be opened (missing, or not readable, or the
     *                              control file not writable, by this user).
     */
    public ArenaReader(Path path) {
        Path controlPath = ArenaDescriptor.controlPath(path);
        try (FileChannel data = FileChannel.open(path, StandardOpenOption.READ);
             FileChannel controlChannel = FileChannel.open(controlPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (data.size() < ArenaDescriptor.HEADER_BYTES) { // a mapped page past the end would fault on reading
                throw new IllegalStateException("not a Mobula arena: " + path + " is " + data.size() + " bytes, shorter than "
                    + "the header's " + ArenaDescriptor.HEADER_BYTES + "; is this the path the node printed?");
            }
            MemorySegment header = data.map(FileChannel.MapMode.READ_ONLY, 0, ArenaDescriptor.HEADER_BYTES, mapping);
            this.layout = ArenaDescriptor.read(header);
            if (data.size() < layout.fileBytes() || controlChannel.size() < layout.controlBytes()) {
                throw new IllegalStateException("the arena " + path + " is " + data.size() + " bytes and its control file "
                    + controlChannel.size() + ", shorter than the header's " + layout.fileBytes() + " and "
                    + layout.controlBytes() + "; the files are damaged or not from one store");
            }
            this.arena = data.map(FileChannel.MapMode.READ_ONLY, 0, layout.fileBytes(), mapping);
            MemorySegment control = controlChannel.map(FileChannel.MapMode.READ_WRITE, 0, layout.controlBytes(), mapping);
            int client = claimClient(control);
            this.clientEntry = control.asSlice(layout.clientOffset(client), ArenaDescriptor.CLIENT_BYTES);
            this.pinRow = control.asSlice(layout.pinRowOffset(client), layout.pinRowBytes());
            this.index = new ArenaIndex(arena, layout, control, pinRow);
            // A futex wait only reads the word: the read-only mapping of the data file serves.
            this.seals = new SealSequence(arena);
        } catch (IOException e) {
            mapping.close();
            throw new UncheckedIOException("cannot open the arena " + path + " (and its control file " + controlPath + "): "
                + e.getMessage() + "; is the node running on this host as this user, and is this the path it printed?", e);
        } catch (RuntimeException e) {
            mapping.close();
            throw e;
        }
    }

    private int claimClient(MemorySegment clients) {
        long pid = ProcessHandle.current().pid();
        long started = ProcessLiveness.startTime(pid);
        for (int client = 1; client < layout.maxClients(); client++) {
            long entry = layout.clientOffset(client);
            // Claim with the pid, then write the start time: until it is there (non-zero) the node's
            // reaper leaves the entry alone, so a half-registered reader is never reaped.
            if ((long) ArenaDescriptor.LONG.getVolatile(clients, entry + ArenaDescriptor.CLIENT_PID_OFFSET) == 0
                && ArenaDescriptor.LONG.compareAndSet(clients, entry + ArenaDescriptor.CLIENT_PID_OFFSET, 0L, pid)) {
                ArenaDescriptor.LONG.setRelease(clients, entry + ArenaDescriptor.CLIENT_START_TIME_OFFSET, started);
                return client;
            }
        }
        throw new IllegalStateException("the arena's client table is full (" + layout.maxClients()
            + " processes attached); close readers that are no longer needed");
    }

    /**
     * Pins and returns a read-only view of a sealed object, waiting up to {@code timeoutNs} for its seal.
     *
     * @return the view (close it to unpin), or null if the object was not sealed in time.
     */
    public ObjectView get(ObjectId id, long timeoutNs) {
        long deadline = System.nanoTime() + timeoutNs;
        while (true) {
            if (closed) {
                throw new StoreClosedException("this arena reader is closed");
            }
            int sequence = seals.read();
            int slot = index.pin(id);
            if (slot >= 0) {
                return new PinnedView(id, slot, index.kind(slot), arena.asSlice(index.offset(slot), index.size(slot)), pins);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            seals.await(sequence, left);
        }
    }

    public ArenaDescriptor layout() {
        return layout;
    }

    /** Where this process mapped the arena's data file (views of objects lie inside it: no copies). */
    public long mappedAddress() {
        return arena.address();
    }

    /** Leaves the client table and unmaps; views still open become unusable. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pinRow.fill((byte) 0); // views left open: the next holder of this entry must not inherit their pins
        clientEntry.asSlice(ArenaDescriptor.CLIENT_START_TIME_OFFSET, Long.BYTES).fill((byte) 0);
        ArenaDescriptor.LONG.setRelease(clientEntry, ArenaDescriptor.CLIENT_PID_OFFSET, 0L);
        mapping.close();
    }
}
