package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import io.mobula.store.StoreFullException;
import io.mobula.StoreStats;

/**
 * The node's object store: one shared-memory arena file (under {@code /dev/shm}) that this process
 * owns and any local process can map ({@link ArenaReader}, or C through {@code mobula_store.h}) to
 * read sealed objects in place. Format: {@code docs/object-store-format.md}.
 * <p>
 * This process alone allocates, creates, seals and deletes, under one lock; lookups and pins are
 * lock-free for everyone. Waiters for a seal sleep on a futex in the arena, so a reader in another
 * process wakes when the object is sealed. A reaper thread frees the pins of readers that died and
 * the blocks of deleted objects whose last pin is gone.
 */
public final class SharedArenaStore implements ObjectStore {
    private static final long REAP_INTERVAL_MS = 1000;
    private static final long PRESSURE_RETRY_NS = 100_000_000L;
    private static final double SOFT_PRESSURE_FRACTION = 0.75;
    private static final int NODE_CLIENT = 0;

    private final Path path;
    private final Arena mapping = Arena.ofShared();
    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final ArenaAllocator allocator;
    private final MemorySegment sealWord;
    private final long createTimeoutNs;
    private final Runnable pressureHook;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final BitSet reusable;
    /** Tombstoned slots whose bytes someone still pins: slot -> {offset, size}. */
    private final Map<Integer, long[]> deferred = new HashMap<>();
    private final Cleaner cleaner = Cleaner.create(r -> daemon(r, "mobula-arena-cleaner"));
    /** The node's pins: a view's close, and pins kept for zero-copy values handed to user code. */
    private final PinnedView.Owner pins = new PinnedView.Owner() {
        @Override
        public void unpin(int slot) {
            released(slot);
        }

        @Override
        public void retain(int slot, Object holder) {
            ArenaDescriptor.INT.getAndAdd(arena, layout.pinOffset(NODE_CLIENT, slot), 1);
            cleaner.register(holder, () -> released(slot));
        }
    };
    private final Thread reaper;
    /** Null when the store never spills. */
    private final Spiller spiller;
    private final java.util.concurrent.atomic.AtomicBoolean softPressureRunning = new java.util.concurrent.atomic.AtomicBoolean();
    private long usedBytes;
    private long objectCount;
    private long accessStamp;
    private volatile boolean closed;

    /**
     * Creates the arena file at {@code path} (which must not exist) sized for the context's capacity.
     *
     * @param prefault populate the data region's pages in the background, so first puts do not fault.
     */
    public SharedArenaStore(StoreContext context, Path path, int maxClients, boolean prefault) {
        context.conclude();
        this.path = path;
        this.createTimeoutNs = context.createTimeoutNs();
        this.pressureHook = context.pressureHook();
        long dataBytes = context.capacityBytes();
        int slots = Integer.highestOneBit((int) Math.min(1 << 24, Math.max(1024, dataBytes / (32 * 1024)))) * 2;
        this.layout = ArenaDescriptor.layout(dataBytes, slots, maxClients);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.position(layout.fileBytes() - 1);
            channel.write(java.nio.ByteBuffer.wrap(new byte[1])); // sparse: pages appear on first touch
            this.arena = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileBytes(), mapping);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the object store arena " + path + ": " + e.getMessage()
                + "; check that the directory exists, is writable and has room (df " + path.getParent() + ")", e);
        }
        this.reusable = new BitSet(layout.indexSlots());
        this.spiller = context.spillDirectory() == null ? null : new Spiller(context.spillDirectory());
        this.allocator = new ArenaAllocator(layout.dataOffset(), layout.dataBytes());
        this.index = new ArenaIndex(arena, layout, arena.asSlice(layout.pinRowOffset(NODE_CLIENT),
            (long) layout.indexSlots() * Integer.BYTES));
        this.sealWord = arena.asSlice(ArenaDescriptor.SEAL_SEQUENCE_OFFSET, Integer.BYTES);
        long pid = ProcessHandle.current().pid();
        arena.set(ValueLayout.JAVA_LONG, layout.clientOffset(NODE_CLIENT) + ArenaDescriptor.CLIENT_PID_OFFSET, pid);
        arena.set(ValueLayout.JAVA_LONG, layout.clientOffset(NODE_CLIENT) + ArenaDescriptor.CLIENT_START_TIME_OFFSET,
            ProcessLiveness.startTime(pid));
        layout.writeHeader(arena, pid);
        this.reaper = daemon(this::reapLoop, "mobula-arena-reaper");
        reaper.start();
        if (prefault) {
            daemon(this::prefaultData, "mobula-arena-prefault").start();
        }
    }

    /** A store in a new file under /dev/shm (or the temp directory where /dev/shm is missing). */
    public static SharedArenaStore inSharedMemory(StoreContext context, boolean prefault) {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path path = dir.resolve("mobula-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()) + ".arena");
        return new SharedArenaStore(context, path, 32, prefault);
    }

    /** A spill directory of this process's own under the temp directory. */
    public static Path defaultSpillDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mobula-spill-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(System.nanoTime()));
    }

    /** The largest free block over all free bytes: 1 when the free space is one block, near 0 when shredded. */
    public double largestFreeFraction() {
        lock.lock();
        try {
            return allocator.freeBytes() == 0 ? 1 : allocator.largestFree() / (double) allocator.freeBytes();
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

    /** The arena file, for readers in other processes. */
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

    @Override
    public ObjectBuilder create(ObjectId id, long size, int kind) {
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
            long offset;
            int slot;
            while (true) {
                if (index.find(id) >= 0) {
                    throw new ObjectExistsException("object " + id + " already exists in the store; ids are written once");
                }
                offset = allocator.allocate(size);
                slot = offset < 0 ? -1 : freeSlot(id);
                if (offset >= 0 && slot >= 0) {
                    break;
                }
                if (offset >= 0) {
                    allocator.free(offset, size);
                }
                if (!hookCalled) {
                    hookCalled = true;
                    relievePressure();
                    continue;
                }
                if (offset < 0 && spillFor(size)) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreFullException("no room for object " + id + " (" + size + " bytes): " + usedBytes + " of "
                        + layout.dataBytes() + " bytes hold " + objectCount + " objects still referenced (largest free block "
                        + allocator.largestFree() + " bytes); release references, raise the store capacity, or retry");
                }
                changed.awaitNanos(Math.min(left, PRESSURE_RETRY_NS));
                ensureOpen();
                hookCalled = false;
            }
            long at = layout.slotOffset(slot);
            IndexSlotDescriptor.fill(arena, at, id, offset, size, kind);
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.CREATED);
            usedBytes += Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
            objectCount++;
            if (usedBytes > layout.dataBytes() * SOFT_PRESSURE_FRACTION) {
                relieveEarly();
            }
            return new Builder(id, slot, arena.asSlice(offset, size));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFullException("interrupted while waiting for room for object " + id);
        } finally {
            lock.unlock();
        }
    }

    /** The first reusable slot on {@code id}'s probe path, or -1 if the index is full. Lock held. */
    private int freeSlot(ObjectId id) {
        int mask = layout.indexSlots() - 1;
        int slot = IndexSlotDescriptor.home(id, layout.indexSlots());
        for (int probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
            int state = IndexSlotDescriptor.stateAcquire(arena, layout.slotOffset(slot));
            if (state == IndexSlotDescriptor.EMPTY) {
                return slot;
            }
            if (state == IndexSlotDescriptor.TOMBSTONE && reusable.get(slot)) {
                reusable.clear(slot);
                return slot;
            }
        }
        return -1;
    }

    @Override
    public ObjectView get(ObjectId id, long timeoutNs) {
        ensureOpen();
        long deadline = System.nanoTime() + timeoutNs;
        while (true) {
            int sequence = (int) ArenaDescriptor.INT.getAcquire(arena, ArenaDescriptor.SEAL_SEQUENCE_OFFSET);
            ArenaIndex.Pinned pinned = index.pin(id);
            if (pinned != null) {
                touch(pinned.slot());
                return new PinnedView(id, pinned, arena.asSlice(pinned.offset(), pinned.size()).asReadOnly(), pins);
            }
            if (spiller != null && restore(id)) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            Futex.await(sealWord, sequence, left);
        }
    }

    /** Brings a spilled object back into the arena (spilling others if need be). @return false if not spilled. */
    private boolean restore(ObjectId id) {
        lock.lock();
        try {
            ensureOpen();
            Spiller.Location location = spiller.location(id);
            if (location == null) {
                return false;
            }
            long offset;
            int slot;
            while (true) {
                offset = allocator.allocate(location.size());
                slot = offset < 0 ? -1 : freeSlot(id);
                if (offset >= 0 && slot >= 0) {
                    break;
                }
                if (offset >= 0) {
                    allocator.free(offset, location.size());
                }
                if (!spillFor(location.size())) {
                    throw new StoreFullException("cannot restore spilled object " + id + " (" + location.size()
                        + " bytes): every object in the store is pinned; release views and retry");
                }
            }
            spiller.restore(id, arena.asSlice(offset, location.size()));
            long at = layout.slotOffset(slot);
            IndexSlotDescriptor.fill(arena, at, id, offset, location.size(), location.kind());
            usedBytes += Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(location.size()));
            objectCount++;
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.SEALED);
        } finally {
            lock.unlock();
        }
        ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.SEAL_SEQUENCE_OFFSET, 1);
        Futex.wakeAll(sealWord);
        return true;
    }

    /**
     * Moves the least recently used unpinned objects to disk, in one batch, until a block of
     * {@code size} bytes is free. Lock held. @return false if nothing could be spilled.
     */
    private boolean spillFor(long size) {
        if (spiller == null) {
            return false;
        }
        java.util.List<long[]> candidates = new java.util.ArrayList<>(); // {lastAccess, slot}
        for (int slot = 0; slot < layout.indexSlots(); slot++) {
            long at = layout.slotOffset(slot);
            if (IndexSlotDescriptor.stateAcquire(arena, at) == IndexSlotDescriptor.SEALED && !index.pinnedByAnyone(slot)) {
                candidates.add(new long[] {arena.get(ValueLayout.JAVA_LONG, at + IndexSlotDescriptor.LAST_ACCESS), slot});
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        candidates.sort(java.util.Comparator.comparingLong(c -> c[0]));
        long target = Math.max(size + size / 4, Math.min(64L << 20, layout.dataBytes() / 8)); // batch: fewer, larger files
        java.util.List<Spiller.Victim> victims = new java.util.ArrayList<>();
        java.util.List<Integer> slots = new java.util.ArrayList<>();
        long bytes = 0;
        for (long[] candidate : candidates) {
            int slot = (int) candidate[1];
            long at = layout.slotOffset(slot);
            ObjectId id = new ObjectId(arena.get(ValueLayout.JAVA_LONG, at + IndexSlotDescriptor.ID_HIGH),
                arena.get(ValueLayout.JAVA_LONG, at + IndexSlotDescriptor.ID_LOW));
            long objectSize = IndexSlotDescriptor.size(arena, at);
            victims.add(new Spiller.Victim(id, IndexSlotDescriptor.kind(arena, at),
                arena.asSlice(IndexSlotDescriptor.offset(arena, at), objectSize)));
            slots.add(slot);
            bytes += objectSize;
            if (bytes >= target) {
                break;
            }
        }
        spiller.spill(victims);
        boolean freedAny = false;
        for (int i = 0; i < victims.size(); i++) {
            int slot = slots.get(i);
            long at = layout.slotOffset(slot);
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.TOMBSTONE);
            if (index.pinnedByAnyone(slot)) {
                // a reader pinned it while it was being written out: it stays, the disk copy goes;
                // a reader that saw the brief tombstone and went to sleep must be woken
                IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.SEALED);
                spiller.forget(victims.get(i).id());
                ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.SEAL_SEQUENCE_OFFSET, 1);
                Futex.wakeAll(sealWord);
                continue;
            }
            free(slot, IndexSlotDescriptor.offset(arena, at), IndexSlotDescriptor.size(arena, at));
            freedAny = true;
        }
        return freedAny;
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
            long at = layout.slotOffset(slot);
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.TOMBSTONE);
            long offset = IndexSlotDescriptor.offset(arena, at);
            long size = IndexSlotDescriptor.size(arena, at);
            if (index.pinnedByAnyone(slot)) {
                deferred.put(slot, new long[] {offset, size});
            } else {
                free(slot, offset, size);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void free(int slot, long offset, long size) {
        allocator.free(offset, size);
        usedBytes -= Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
        objectCount--;
        reusable.set(slot);
        changed.signalAll();
    }

    @Override
    public StoreStats stats() {
        lock.lock();
        try {
            return spiller == null ? new StoreStats(layout.dataBytes(), usedBytes, objectCount, deferred.size())
                : new StoreStats(layout.dataBytes(), usedBytes, objectCount, deferred.size(), spiller.spilledBytes(),
                    spiller.spilledCount());
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
            for (int client = 1; client < layout.maxClients(); client++) {
                long entry = layout.clientOffset(client);
                long pid = (long) ArenaDescriptor.LONG.getVolatile(arena, entry + ArenaDescriptor.CLIENT_PID_OFFSET);
                if (pid == 0) {
                    continue;
                }
                long started = arena.get(ValueLayout.JAVA_LONG, entry + ArenaDescriptor.CLIENT_START_TIME_OFFSET);
                if (started != 0 && !ProcessLiveness.isAlive(pid, started)) {
                    arena.asSlice(layout.pinRowOffset(client), (long) layout.indexSlots() * Integer.BYTES).fill((byte) 0);
                    ArenaDescriptor.LONG.setRelease(arena, entry + ArenaDescriptor.CLIENT_PID_OFFSET, 0L);
                }
            }
            if (!deferred.isEmpty()) {
                deferred.entrySet().removeIf(e -> {
                    if (index.pinnedByAnyone(e.getKey())) {
                        return false;
                    }
                    free(e.getKey(), e.getValue()[0], e.getValue()[1]);
                    return true;
                });
            }
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
        } finally {
            lock.unlock();
        }
        reaper.interrupt();
        ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.SEAL_SEQUENCE_OFFSET, 1);
        Futex.wakeAll(sealWord);
        try {
            reaper.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mapping.close();
        if (spiller != null) {
            spiller.clear();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the file goes with the machine's next boot; nothing holds it open now
        }
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

    private void prefaultData() {
        long chunk = 64L << 20;
        for (long at = layout.dataOffset(); at < layout.fileBytes() && !closed; at += chunk) {
            if (!Madvise.populateWrite(arena.asSlice(at, Math.min(chunk, layout.fileBytes() - at)))) {
                return;
            }
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

    private void touch(int slot) {
        IndexSlotDescriptor.touch(arena, layout.slotOffset(slot), ++accessStamp);
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("the object store is closed");
        }
    }

    private void seal(Builder builder) {
        lock.lock();
        try {
            ensureOpen();
            long at = layout.slotOffset(builder.slot);
            if (IndexSlotDescriptor.stateAcquire(arena, at) != IndexSlotDescriptor.CREATED || !IndexSlotDescriptor.holds(arena, at, builder.id)) {
                throw new IllegalStateException("object " + builder.id + " was aborted or deleted before it was sealed");
            }
            IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.SEALED);
        } finally {
            lock.unlock();
        }
        ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.SEAL_SEQUENCE_OFFSET, 1);
        Futex.wakeAll(sealWord);
    }

    private void released(int slot) {
        index.unpin(slot);
        if (!closed) {
            lock.lock();
            try {
                long[] block = deferred.get(slot);
                if (block != null && !index.pinnedByAnyone(slot)) {
                    deferred.remove(slot);
                    free(slot, block[0], block[1]);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private final class Builder implements ObjectBuilder {
        private final ObjectId id;
        private final int slot;
        private final MemorySegment data;

        Builder(ObjectId id, int slot, MemorySegment data) {
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
            SharedArenaStore.this.seal(this);
        }

        @Override
        public void abort() {
            delete(id);
        }
    }

    @Override
    public String toString() {
        StoreStats s = stats();
        return "SharedArenaStore{" + path + ", used=" + s.usedBytes() + "/" + s.capacityBytes() + ", objects=" + s.objectCount()
            + ", createTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(createTimeoutNs) + "}";
    }
}
