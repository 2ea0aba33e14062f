package io.mobula.store.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectExistsException;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectTooLargeException;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreClosedException;
import io.mobula.store.StoreContext;
import io.mobula.store.StoreFolderFullException;
import io.mobula.store.StoreFullException;
import io.mobula.StoreStats;

/**
 * The node's object store: one shared-memory arena (under {@code /dev/shm}) that this process owns
 * and any local process can map ({@link ArenaReader}, or C through {@code mobula_store.h}) to read
 * sealed objects in place. Format: {@code docs/object-store-format.md}. The arena is two files,
 * both the owner's alone (0600): the data file, which only this process writes, and the control
 * file, where readers register and count their pins ({@link ArenaFiles}). They go at close, or
 * at exit if close never runs; a later store start removes those of an owner killed outright
 * ({@link ArenaSweeper}).
 * <p>
 * This process alone allocates, creates, seals and deletes, under one lock; lookups and pins are
 * lock-free for everyone. Waiters for a seal sleep on a futex in the arena ({@link SealSequence}),
 * so a reader in another process wakes when the object is sealed. A reaper thread frees the pins
 * of readers that died ({@link ClientTable}) and the blocks of deleted objects whose last pin is
 * gone ({@link ArenaSpace}). With a spill directory, objects that do not fit go to disk and come
 * back on a get ({@link ArenaSpilling}).
 */
public final class SharedArenaStore implements ObjectStore {
    private static final long REAP_INTERVAL_MS = 1000;
    private static final long PRESSURE_RETRY_NS = 100_000_000L;
    /** How long close waits for a spill batch being written (one batch is at most 64 MiB). */
    private static final long CLOSE_WAIT_FOR_SPILL_NS = 30_000_000_000L;
    private static final double SOFT_PRESSURE_FRACTION = 0.75;
    /** Client-table entries of a store made in shared memory: the node and 31 local readers. */
    private static final int MAX_CLIENTS = 32;

    private final Path path;
    private final ArenaFiles files;
    private final Arena mapping = Arena.ofShared();
    private final MemorySegment arena;
    /** The control file: the client table and every client's pin row. */
    private final MemorySegment control;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final ArenaSpace space;
    private final ClientTable clients;
    private final SealSequence seals;
    private final long createTimeoutNs;
    private final Runnable pressureHook;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a block is freed or the store closes: creators waiting for room look again. */
    private final Condition changed = lock.newCondition();
    private final Cleaner cleaner = Cleaner.create(r -> daemon(r, "mobula-arena-cleaner"));
    /** The node's pins: a view's close, and pins kept for zero-copy values handed to user code. */
    private final PinnedView.Owner pins = new PinnedView.Owner() {
        @Override
        public void unpin(int slot) {
            released(slot);
        }

        @Override
        public void retain(int slot, Object holder) {
            index.pinAgain(slot);
            cleaner.register(holder, () -> released(slot));
        }
    };
    /** When each slot's object was last filled or got, for spilling's LRU order; node-private. */
    private final AccessStamps stamps;
    private final Thread reaper;
    /** Gives a new object's block its pages before it is filled, so a full folder fails the create, not the copy. */
    private final PageReservation pages;
    /** Null when the store was made at a path given to it; else where it went, and why if not where asked. */
    private final ArenaPlacement placement;
    /** Both null when the store never spills. */
    private final Spiller spiller;
    private final ArenaSpilling spilling;
    private final AtomicBoolean softPressureRunning = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * Creates the arena at {@code path} (the data file, named {@code <name>.arena}; it and the control
     * file {@code <name>.control} must not exist) sized for the context's capacity. First removes
     * the arenas of dead owners from that folder ({@link ArenaSweeper}).
     *
     * @param prefault populate the data region's pages in the background, so first puts do not fault.
     * @throws IllegalArgumentException if the file name does not end with {@code .arena}.
     */
    public SharedArenaStore(StoreContext context, Path path, int maxClients, boolean prefault) {
        this(context, path, maxClients, prefault, null);
    }

    private SharedArenaStore(StoreContext context, Path path, int maxClients, boolean prefault, ArenaPlacement placement) {
        context.conclude();
        this.path = path;
        this.placement = placement;
        this.createTimeoutNs = context.createTimeoutNs();
        this.pressureHook = context.pressureHook();
        this.layout = layoutFor(placement != null ? placement.capacityBytes() : context.capacityBytes(), maxClients);
        ArenaSweeper.sweep(path.toAbsolutePath().getParent());
        this.files = new ArenaFiles(path, context.spillDirectory());
        try {
            this.arena = files.createData(layout.fileBytes(), mapping);
            this.control = files.createControl(layout.controlBytes(), mapping);
        } catch (RuntimeException e) {
            mapping.close();
            files.close();
            throw e;
        }
        this.index = new ArenaIndex(arena, layout, control, control.asSlice(layout.pinRowOffset(ClientTable.NODE_CLIENT),
            layout.pinRowBytes()));
        this.stamps = new AccessStamps(layout.indexSlots());
        this.space = new ArenaSpace(arena, layout, index, stamps, changed::signalAll);
        this.pages = new PageReservation(arena, layout, path.toAbsolutePath().getParent().toString());
        try {
            pages.reserveMetadata(control);
        } catch (StoreFolderFullException e) {
            mapping.close();
            files.close();
            throw e;
        }
        this.seals = new SealSequence(arena);
        long pid = ProcessHandle.current().pid();
        long started = ProcessLiveness.startTime(pid);
        ArenaSweeper.sweepSpills(context.spillDirectory()); // dead owners' spills, even those whose arena is gone
        this.spiller = context.spillDirectory() == null ? null : new Spiller(context.spillDirectory(), pid, started);
        this.spilling = spiller == null ? null : new ArenaSpilling(arena, layout, index, space, spiller, seals, stamps,
            lock, changed);
        this.clients = new ClientTable(control, layout);
        clients.registerNode(pid);
        layout.writeHeader(arena, pid, started, context.spillDirectory());
        this.reaper = daemon(this::reapLoop, "mobula-arena-reaper");
        reaper.start();
        if (prefault) {
            daemon(() -> ArenaFile.prefaultData(arena, layout, () -> closed), "mobula-arena-prefault").start();
        }
    }

    /**
     * A store in new files in the context's directory ({@code /dev/shm} by default), sized to what
     * that folder can hold: if it cannot hold the whole capacity the arena goes to the fallback
     * directory (the temp folder, disk-backed) or shrinks to fit ({@link ArenaPlacement}), and
     * {@link #placementNote()} says so. Dead owners' arenas are swept from the folder first, so
     * their room counts.
     *
     * @throws io.mobula.store.StoreException if no folder has room for even a small store.
     */
    public static SharedArenaStore inSharedMemory(StoreContext context, boolean prefault) {
        context.conclude();
        ArenaSweeper.sweep(context.directory());
        ArenaPlacement placement = ArenaPlacement.choose(context.capacityBytes(), MAX_CLIENTS, context.directory(),
            context.fallbackDirectory());
        Path path = placement.directory().resolve("mobula-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(System.nanoTime()) + ArenaDescriptor.DATA_SUFFIX);
        return new SharedArenaStore(context, path, MAX_CLIENTS, prefault, placement);
    }

    /**
     * Null if the store got the capacity it was asked for in the folder it was asked for (or was
     * made at a given path); else what it did instead (fell back to a disk-backed file, or shrank
     * to fit the folder), and what to change.
     */
    public String placementNote() {
        return placement == null ? null : placement.note();
    }

    /** The arena's layout for a data region of {@code dataBytes}: one index slot per 16 to 32 KiB, 2048 at least. */
    static ArenaDescriptor layoutFor(long dataBytes, int maxClients) {
        int slots = Integer.highestOneBit((int) Math.min(1 << 24, Math.max(1024, dataBytes / (32 * 1024)))) * 2;
        return ArenaDescriptor.layout(dataBytes, slots, maxClients);
    }

    /**
     * Removes the arenas in {@code directory} whose owner process is dead (pid and start time, as
     * their headers record them), with their control files and spill files; a live owner's are
     * kept. Every store start does this for its own folder.
     *
     * @return how many arenas were removed.
     */
    public static int sweepDeadArenas(Path directory) {
        return ArenaSweeper.sweep(directory);
    }

    /** A spill directory of this process's own under the temp directory. */
    public static Path defaultSpillDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), ArenaSweeper.DEFAULT_SPILL_PREFIX + ProcessHandle.current().pid() + "-"
            + Long.toHexString(System.nanoTime()));
    }

    /** The largest free block over all free bytes: 1 when the free space is one block, near 0 when shredded. */
    public double largestFreeFraction() {
        lock.lock();
        try {
            return space.largestFreeFraction();
        } finally {
            lock.unlock();
        }
    }

    /** @return true if {@code id} is on disk now (spilled, not yet restored). */
    public boolean isSpilled(ObjectId id) {
        lock.lock();
        try {
            return spiller != null && spiller.contains(id);
        } finally {
            lock.unlock();
        }
    }

    /** Where spilled objects go, or null if this store never spills. */
    public Path spillDirectory() {
        return spiller == null ? null : spiller.directory();
    }

    /** The arena's data file, for readers in other processes (its control file is beside it). */
    public Path path() {
        return path;
    }

    public ArenaDescriptor layout() {
        return layout;
    }

    /** The data region, where every object's bytes live (for page-locking it for devices, say). */
    public MemorySegment dataRegion() {
        return arena.asSlice(layout.dataOffset(), layout.dataBytes());
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreFolderFullException if the arena's folder has no room for the object's pages
     *                                  (filled by someone else): nothing is created, its slot is freed.
     */
    @Override
    public ObjectBuilder create(ObjectId id, long size, int kind) {
        ArenaObjectBuilder builder = allocate(id, size, kind);
        try {
            pages.reserve(id, builder.data().address() - arena.address(), size);
        } catch (StoreFolderFullException e) {
            delete(id);
            throw e;
        }
        return builder;
    }

    /** Takes a block and a slot for a new object (state CREATED), waiting for room as the store's create timeout allows. */
    private ArenaObjectBuilder allocate(ObjectId id, long size, int kind) {
        if (size < 0) {
            throw new IllegalArgumentException("object size must be >= 0, got " + size);
        }
        if (size > layout.dataBytes()) {
            throw new ObjectTooLargeException("object " + id + " is " + size + " bytes but the store holds only "
                + layout.dataBytes() + " bytes in all; raise the store capacity or split the object");
        }
        lock.lock();
        try {
            ensureOpen();
            long deadline = System.nanoTime() + createTimeoutNs;
            boolean hookCalled = false;
            ArenaSpace.Placement placement;
            while (true) {
                space.compact(); // holes a spill or a pin's release left: no slot number is held here
                if (index.find(id) >= 0) {
                    throw new ObjectExistsException("object " + id + " already exists in the store; ids are written once");
                }
                placement = space.place(id, size);
                if (placement.found()) {
                    break;
                }
                if (!hookCalled) {
                    hookCalled = true;
                    relievePressure();
                    continue;
                }
                if (spilling != null && spilling.spillFor(size)) {
                    ensureOpen(); // the lock was let go while the batch was written
                    continue; // spilled objects leave both their blocks and their slots
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 && placement == ArenaSpace.NO_SLOT) {
                    throw new StoreFullException("no index slot for object " + id + ": " + space.objectCount()
                        + " objects (and " + space.deferredCount() + " deleted ones still pinned) fill the index's "
                        + (layout.indexSlots() - 1) + " usable slots; delete objects or release references, or raise the "
                        + "store capacity (the index has one slot per 16 to 32 KiB of it)");
                }
                if (left <= 0) {
                    throw new StoreFullException("no room for object " + id + " (" + size + " bytes): " + space.usedBytes()
                        + " of " + layout.dataBytes() + " bytes hold " + space.objectCount() + " objects still referenced "
                        + "(largest free block " + space.largestFree() + " bytes); release references, raise the store "
                        + "capacity, or retry");
                }
                changed.awaitNanos(Math.min(left, PRESSURE_RETRY_NS));
                ensureOpen();
                hookCalled = false;
            }
            space.occupy(placement, id, size, kind);
            IndexSlotDescriptor.stateRelease(arena, layout.slotOffset(placement.slot()), IndexSlotDescriptor.CREATED);
            if (space.usedBytes() > layout.dataBytes() * SOFT_PRESSURE_FRACTION) {
                relieveEarly();
            }
            return new ArenaObjectBuilder(this, id, placement.slot(), arena.asSlice(placement.offset(), size));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFullException("interrupted while waiting for room for object " + id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pins a sealed object. The hit is a short method of its own so that it inlines into the
     * caller, where the JIT can often keep the view in registers (no allocation at all); what a
     * miss does (restore, wait) is apart.
     */
    @Override
    public ObjectView get(ObjectId id, long timeoutNs) {
        ensureOpen();
        int slot = index.pin(id);
        if (slot >= 0) {
            stamps.touch(slot); // node-private: no write to the slot's line, which every process reads
            return new PinnedView(id, slot, index.kind(slot), space.view(slot), pins);
        }
        return getSlowly(id, timeoutNs);
    }

    private ObjectView getSlowly(ObjectId id, long timeoutNs) {
        long deadline = System.nanoTime() + timeoutNs;
        while (true) {
            int sequence = seals.read();
            int slot = index.pin(id);
            if (slot >= 0) {
                stamps.touch(slot); // node-private: no write to the slot's line, which every process reads
                return new PinnedView(id, slot, index.kind(slot), space.view(slot), pins);
            }
            if (spiller != null && restore(id)) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            seals.await(sequence, left);
        }
    }

    /** Brings a spilled object back into the arena (spilling others if need be). @return false if not spilled. */
    private boolean restore(ObjectId id) {
        lock.lock();
        try {
            ensureOpen();
            if (!spilling.restore(id)) {
                return false;
            }
            space.compact();
        } finally {
            lock.unlock();
        }
        seals.advance();
        return true;
    }

    @Override
    public boolean contains(ObjectId id) {
        if (closed) {
            return false;
        }
        if (index.isSealed(id)) {
            return true;
        }
        lock.lock();
        try {
            return spiller != null && spiller.contains(id);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(ObjectId id) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            int slot = index.find(id);
            if (slot < 0) {
                return spiller != null && spiller.forget(id);
            }
            space.remove(slot);
            space.compact();
            if (spiller != null) {
                spiller.forget(id); // no record may outlive its object: a get would bring a deleted object back
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoreStats stats() {
        lock.lock();
        try {
            return spiller == null
                ? new StoreStats(layout.dataBytes(), space.usedBytes(), space.objectCount(), space.deferredCount())
                : new StoreStats(layout.dataBytes(), space.usedBytes(), space.objectCount(), space.deferredCount(),
                    spiller.spilledBytes(), spiller.spilledCount());
        } finally {
            lock.unlock();
        }
    }

    /** Frees what deleted objects' last pins released, and the pins of readers that died. */
    public void reap() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            clients.reclaimDead();
            space.freeUnpinned();
            space.compactAll(); // holes that an object being written or a pinned one needed before
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            // a batch written without the lock reads the arena: the mapping stays until it is done
            long deadline = System.nanoTime() + CLOSE_WAIT_FOR_SPILL_NS;
            while (spilling != null && spilling.writesInFlight() > 0 && deadline - System.nanoTime() > 0) {
                changed.awaitNanos(deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        reaper.interrupt();
        seals.advance(); // waiters in get() see the store closed
        try {
            reaper.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mapping.close();
        if (spiller != null) {
            spiller.clear();
        }
        files.close();
    }

    private void reapLoop() {
        while (!closed) {
            try {
                Thread.sleep(REAP_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            reap();
        }
    }

    private void relievePressure() {
        lock.unlock();
        try {
            pressureHook.run();
            reap();
        } finally {
            lock.lock();
        }
        ensureOpen();
    }

    private void relieveEarly() {
        if (softPressureRunning.compareAndSet(false, true)) {
            daemon(() -> {
                try {
                    pressureHook.run();
                } finally {
                    softPressureRunning.set(false);
                }
            }, "mobula-arena-pressure").start();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("the object store is closed");
        }
    }

    /** Publishes a created object: readers see it from now on, and waiters for it wake. */
    void seal(ObjectId id, int slot) {
        lock.lock();
        try {
            ensureOpen();
            long at = layout.slotOffset(slot);
            if (IndexSlotDescriptor.stateAcquire(arena, at) != IndexSlotDescriptor.CREATED || !IndexSlotDescriptor.holds(arena, at, id)) {
                throw new IllegalStateException("object " + id + " was aborted or deleted before it was sealed");
            }
            space.sealing(slot);
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.SEALED);
        } finally {
            lock.unlock();
        }
        seals.advance();
    }

    /**
     * A view's pin goes: a decrement, without the lock. Only if the object was deleted while pinned
     * (its slot is a TOMBSTONE) does this take the lock, to free the block if that was the last
     * pin. The decrement (a volatile read-modify-write) and the volatile load of the state pair with
     * the delete's tombstone store, fence and counter reads: either the delete saw the count drop
     * and freed the block itself, or this sees the tombstone (both may; freeing is idempotent).
     */
    private void released(int slot) {
        index.unpin(slot);
        if (!closed && index.stateVolatile(slot) == IndexSlotDescriptor.TOMBSTONE) {
            lock.lock();
            try {
                if (!closed) {
                    space.released(slot);
                    space.compact();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Test seam: {@code hook} runs before each spill batch is written, without the store's lock. */
    void beforeSpillWrite(Runnable hook) {
        spiller.beforeWrite(hook);
    }

    /** The lock every change of the node's allocation and index takes (tests check what must not need it). */
    ReentrantLock nodeLock() {
        return lock;
    }

    /** How many slots a lookup of {@code id} examines now (tests and figures: misses must stay short). */
    int probes(ObjectId id) {
        return index.probes(id);
    }

    /** Freed slots still TOMBSTONE (ones a pinned object or one being written still needs on its probe path). */
    int indexHoles() {
        lock.lock();
        try {
            return space.holes();
        } finally {
            lock.unlock();
        }
    }

    /** Entries the index moved back towards their home so far. */
    long indexMoves() {
        lock.lock();
        try {
            return space.moves();
        } finally {
            lock.unlock();
        }
    }

    /**
     * When {@code id} was last filled or got, as a count of such events in this store (larger is
     * more recent), or -1 if it is not in the arena. For picking the least recently used objects.
     */
    long accessStamp(ObjectId id) {
        lock.lock();
        try {
            int slot = index.find(id);
            return slot < 0 ? -1 : stamps.stamp(slot);
        } finally {
            lock.unlock();
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        StoreStats s = stats();
        return "SharedArenaStore{" + path + ", used=" + s.usedBytes() + "/" + s.capacityBytes() + ", objects=" + s.objectCount()
            + ", createTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(createTimeoutNs)
            + (placementNote() == null ? "" : ", placement: " + placementNote()) + "}";
    }
}
