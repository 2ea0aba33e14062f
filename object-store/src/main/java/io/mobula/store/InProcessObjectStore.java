package io.mobula.store;

import io.mobula.StoreStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object store private to one process: each object is its own 64-byte-aligned off-heap block.
 * <p>
 * The shape is the shared-memory store's (create, seal, pinned views, deferred delete, a capacity
 * that makes creates wait and then fail), so the node swaps the implementation, not the interface.
 * Memory comes from automatic arenas: a view a caller still holds keeps its block alive even after
 * the object is deleted, so a late reader sees the old bytes rather than a fault; the capacity counts
 * an object from create until delete.
 * <p>
 * Metadata changes under one lock: objects large enough to land here are few (small values travel
 * inline and never reach the store), so the lock is not on a hot path.
 * <p>
 * Freed blocks are kept for reuse (a block at most twice the size asked for), because fresh memory
 * costs page faults and zeroing on first touch: a put into a reused block runs at memcpy speed.
 * Blocks whose object was handed out as a view (buffer or segment) are never reused, since a caller
 * may still read through the view. Kept blocks count against the capacity only until a create needs
 * the room, when they are dropped.
 */
public final class InProcessObjectStore implements ObjectStore {
    private static final long ALIGNMENT = 64;
    private static final long PRESSURE_RETRY_NS = 100_000_000L;
    /**
     * Past this fill the pressure hook is called early, on a background thread, so what the owner
     * frees arrives before a create has to wait for it.
     */
    private static final double SOFT_PRESSURE_FRACTION = 0.75;

    private final long capacityBytes;
    private final long createTimeoutNs;
    private final Runnable pressureHook;
    /** Set while an early pressure call runs; see {@link #SOFT_PRESSURE_FRACTION}. */
    private final java.util.concurrent.atomic.AtomicBoolean softPressureRunning = new java.util.concurrent.atomic.AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<ObjectId, Slot> slots = new HashMap<>();
    private final TreeMap<Long, ArrayDeque<MemorySegment>> freeBlocks = new TreeMap<>();
    private long freeBlockBytes;
    private long usedBytes;
    private long pinnedCount;
    private boolean closed;

    public InProcessObjectStore(StoreContext context) {
        context.conclude();
        this.capacityBytes = context.capacityBytes();
        this.createTimeoutNs = context.createTimeoutNs();
        this.pressureHook = context.pressureHook();
    }

    @Override
    public ObjectBuilder create(ObjectId id, long size, int kind) {
        if (size < 0) {
            throw new IllegalArgumentException("object size must be >= 0, got " + size);
        }
        if (size > capacityBytes) {
            throw new ObjectTooLargeException("object " + id + " is " + size + " bytes but the store holds only "
                + capacityBytes + " bytes in all; raise the store capacity or split the object");
        }
        lock.lock();
        try {
            ensureOpen();
            if (slots.containsKey(id)) {
                throw new ObjectExistsException("object " + id + " already exists in the store; ids are written once");
            }
            long deadline = System.nanoTime() + createTimeoutNs;
            boolean hookCalled = false;
            while (usedBytes + size > capacityBytes) {
                if (!hookCalled) {
                    hookCalled = true;
                    lock.unlock();
                    try {
                        pressureHook.run();
                    } finally {
                        lock.lock();
                    }
                    ensureOpen();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreFullException("no room for object " + id + " (" + size + " bytes): "
                        + usedBytes + " of " + capacityBytes + " bytes are in use by objects still referenced; "
                        + "release references, raise the store capacity, or wait and retry");
                }
                changed.awaitNanos(Math.min(left, PRESSURE_RETRY_NS));
                ensureOpen();
                if (usedBytes + size > capacityBytes && deadline - System.nanoTime() > 0) {
                    hookCalled = false; // still full: ask again, the owner may have dropped more by now
                }
            }
            MemorySegment block = block(size);
            Slot slot = new Slot(id, block, block.asSlice(0, size), kind);
            slots.put(id, slot);
            usedBytes += size;
            if (usedBytes > capacityBytes * SOFT_PRESSURE_FRACTION) {
                relieveEarly();
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFullException("interrupted while waiting for room for object " + id);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ObjectView get(ObjectId id, long timeoutNs) {
        lock.lock();
        try {
            ensureOpen();
            long deadline = System.nanoTime() + timeoutNs;
            Slot slot;
            while ((slot = slots.get(id)) == null || !slot.sealed || slot.deleted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(left);
                ensureOpen();
            }
            if (slot.pins++ == 0) {
                pinnedCount++;
            }
            return new View(slot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean contains(ObjectId id) {
        lock.lock();
        try {
            Slot slot = slots.get(id);
            return slot != null && slot.sealed && !slot.deleted;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(ObjectId id) {
        lock.lock();
        try {
            Slot slot = slots.get(id);
            if (slot == null || slot.deleted) {
                return false;
            }
            slot.deleted = true;
            if (slot.pins == 0) {
                free(slot);
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
            return new StoreStats(capacityBytes, usedBytes, slots.size(), pinnedCount);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            slots.clear();
            freeBlocks.clear();
            freeBlockBytes = 0;
            usedBytes = 0;
            pinnedCount = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void relieveEarly() {
        if (softPressureRunning.compareAndSet(false, true)) {
            Thread relief = new Thread(() -> {
                try {
                    pressureHook.run();
                } finally {
                    softPressureRunning.set(false);
                }
            }, "mobula-store-pressure");
            relief.setDaemon(true);
            relief.start();
        }
    }

    /** A block of at least {@code size} bytes: a kept one if one fits snugly, else fresh memory. Lock held. */
    private MemorySegment block(long size) {
        Map.Entry<Long, ArrayDeque<MemorySegment>> fit = freeBlocks.ceilingEntry(Math.max(size, 1));
        if (fit != null && fit.getKey() <= 2 * Math.max(size, ALIGNMENT)) {
            MemorySegment block = fit.getValue().poll();
            if (fit.getValue().isEmpty()) {
                freeBlocks.remove(fit.getKey());
            }
            freeBlockBytes -= block.byteSize();
            return block;
        }
        while (usedBytes + freeBlockBytes + size > capacityBytes && !freeBlocks.isEmpty()) {
            Map.Entry<Long, ArrayDeque<MemorySegment>> largest = freeBlocks.lastEntry();
            MemorySegment dropped = largest.getValue().poll();
            if (largest.getValue().isEmpty()) {
                freeBlocks.remove(largest.getKey());
            }
            freeBlockBytes -= dropped.byteSize(); // the automatic arena frees it once unreachable
        }
        return Arena.ofAuto().allocate(Math.max(size, 1), ALIGNMENT);
    }

    /** Keeps a freed block for reuse, unless its bytes may still be read through a view. Lock held. */
    private void keep(Slot slot) {
        if (slot.viewed) {
            return;
        }
        freeBlocks.computeIfAbsent(slot.block.byteSize(), k -> new ArrayDeque<>()).add(slot.block);
        freeBlockBytes += slot.block.byteSize();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("the object store is closed");
        }
    }

    /** Called with the lock held. */
    private void free(Slot slot) {
        if (slots.remove(slot.id) == slot) {
            usedBytes -= slot.data.byteSize();
            keep(slot);
            changed.signalAll();
        }
    }

    private void seal(Slot slot) {
        lock.lock();
        try {
            if (slot.deleted || slots.get(slot.id) != slot) {
                throw new IllegalStateException("object " + slot.id + " was aborted or deleted before it was sealed");
            }
            if (slot.sealed) {
                throw new IllegalStateException("object " + slot.id + " is already sealed");
            }
            slot.sealed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void release(Slot slot) {
        lock.lock();
        try {
            if (--slot.pins == 0) {
                pinnedCount--;
                if (slot.deleted) {
                    free(slot);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private final class Slot implements ObjectBuilder {
        final ObjectId id;
        final MemorySegment block;
        final MemorySegment data;
        boolean viewed;
        final int kind;
        boolean sealed;
        boolean deleted;
        int pins;

        Slot(ObjectId id, MemorySegment block, MemorySegment data, int kind) {
            this.id = id;
            this.block = block;
            this.data = data;
            this.kind = kind;
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
            InProcessObjectStore.this.seal(this);
        }

        @Override
        public void abort() {
            delete(id);
        }
    }

    private final class View implements ObjectView {
        private final Slot slot;
        private final MemorySegment readOnly;
        private boolean released;

        View(Slot slot) {
            this.slot = slot;
            this.readOnly = slot.data.asReadOnly();
        }

        @Override
        public ObjectId id() {
            return slot.id;
        }

        @Override
        public int kind() {
            return slot.kind;
        }

        @Override
        public MemorySegment data() {
            return readOnly;
        }

        @Override
        public void retainBytes(Object holder) {
            // Automatic arenas already keep the block alive while a view of it is reachable; the
            // block must only never be reused for another object.
            lock.lock();
            try {
                slot.viewed = true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(slot);
            }
        }
    }

    @Override
    public String toString() {
        StoreStats s = stats();
        return "InProcessObjectStore{used=" + s.usedBytes() + "/" + s.capacityBytes() + ", objects=" + s.objectCount()
            + ", createTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(createTimeoutNs) + "}";
    }
}
