package io.mobula.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mobula.spi.HostMemoryPinner;

/**
 * Page-locks the node's object store for the GPUs, a 64 MiB chunk at a time, the first time a copy
 * between a device and that part of the store happens. Registering the whole store up front would
 * make all of it resident (it can be most of the machine's memory); chunks that never see a device
 * copy stay pageable.
 * <p>
 * Registered chunks are shared by every node in the process (the registry is static: a
 * {@link DeviceArray} copying into the store knows only the target segment). Thread safe.
 */
public final class StoreMemoryPinner implements HostMemoryPinner {
    static final long CHUNK_BYTES = 64L << 20;
    private static final List<Region> REGIONS = new ArrayList<>();

    /** One attached store region and its registered chunks, by chunk index. */
    private record Region(MemorySegment memory, Map<Long, PinnedMemory> chunks) {
        boolean contains(long address, long bytes) {
            return address >= memory.address() && address + bytes <= memory.address() + memory.byteSize();
        }
    }

    @Override
    public void attach(MemorySegment storeMemory) {
        synchronized (REGIONS) {
            REGIONS.add(new Region(storeMemory, new HashMap<>()));
        }
    }

    @Override
    public void detach(MemorySegment storeMemory) {
        synchronized (REGIONS) {
            for (int i = REGIONS.size() - 1; i >= 0; i--) {
                Region region = REGIONS.get(i);
                if (region.memory().address() == storeMemory.address()) {
                    region.chunks().values().forEach(PinnedMemory::close);
                    REGIONS.remove(i);
                }
            }
        }
    }

    /**
     * Page-locks the store chunks under {@code target} and splits it at their edges: one copy may
     * not cross from one registered range into another (the driver answers INVALID_VALUE), so a
     * copy to or from store memory is made piece by piece.
     *
     * @return {offset, length} pieces of {@code target}, in order; one piece when {@code target} is
     *         not store memory (copies to it still work, through the driver's staging).
     */
    static long[][] pinnedPieces(MemorySegment target) {
        if (!ensurePinned(target)) {
            return new long[][] {{0, target.byteSize()}};
        }
        long address = target.address();
        long end = address + target.byteSize();
        List<long[]> pieces = new ArrayList<>();
        synchronized (REGIONS) {
            long base = regionBase(address);
            long at = address;
            while (at < end) {
                long chunkEnd = base + ((at - base) / CHUNK_BYTES + 1) * CHUNK_BYTES;
                long pieceEnd = Math.min(end, chunkEnd);
                pieces.add(new long[] {at - address, pieceEnd - at});
                at = pieceEnd;
            }
        }
        return pieces.toArray(long[][]::new);
    }

    private static long regionBase(long address) {
        for (Region region : REGIONS) {
            if (region.contains(address, 1)) {
                return region.memory().address();
            }
        }
        return address;
    }

    /**
     * Makes sure the store chunks under {@code target} are page-locked.
     *
     * @return true if {@code target} lies in an attached store (now pinned), false if it is memory
     *         of some other kind.
     */
    static boolean ensurePinned(MemorySegment target) {
        if (!target.isNative() || target.byteSize() == 0) {
            return false;
        }
        synchronized (REGIONS) {
            for (Region region : REGIONS) {
                if (!region.contains(target.address(), target.byteSize())) {
                    continue;
                }
                long base = region.memory().address();
                long first = (target.address() - base) / CHUNK_BYTES;
                long last = (target.address() + target.byteSize() - 1 - base) / CHUNK_BYTES;
                for (long chunk = first; chunk <= last; chunk++) {
                    if (!region.chunks().containsKey(chunk)) {
                        long offset = chunk * CHUNK_BYTES;
                        long length = Math.min(CHUNK_BYTES, region.memory().byteSize() - offset);
                        region.chunks().put(chunk, PinnedMemory.register(region.memory().asSlice(offset, length)));
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** Bytes of store memory page-locked now, across every attached store. */
    public static long pinnedBytes() {
        synchronized (REGIONS) {
            long total = 0;
            for (Region region : REGIONS) {
                for (PinnedMemory pinned : region.chunks().values()) {
                    total += pinned.segment().byteSize();
                }
            }
            return total;
        }
    }
}
