package io.mobula;

/**
 * Usage of an object store at one moment.
 *
 * @param capacityBytes the most data bytes the store holds at once.
 * @param usedBytes     bytes reserved by created or sealed objects.
 * @param objectCount   objects created or sealed and not yet deleted.
 * @param pinnedCount   objects with at least one open view (or, for a shared arena, deleted
 *                      objects whose bytes a reader still pins).
 * @param spilledBytes  bytes of objects moved to local disk to make room (restored on get).
 * @param spilledCount  objects on local disk.
 */
public record StoreStats(long capacityBytes, long usedBytes, long objectCount, long pinnedCount, long spilledBytes,
                         long spilledCount) {
    /** Usage of a store that never spills. */
    public StoreStats(long capacityBytes, long usedBytes, long objectCount, long pinnedCount) {
        this(capacityBytes, usedBytes, objectCount, pinnedCount, 0, 0);
    }
}
