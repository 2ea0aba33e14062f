package io.mobula.store;

/**
 * Usage of an object store at one moment.
 *
 * @param capacityBytes the most data bytes the store holds at once.
 * @param usedBytes     bytes reserved by created or sealed objects.
 * @param objectCount   objects created or sealed and not yet deleted.
 * @param pinnedCount   objects with at least one open view.
 */
public record StoreStats(long capacityBytes, long usedBytes, long objectCount, long pinnedCount) {
}
