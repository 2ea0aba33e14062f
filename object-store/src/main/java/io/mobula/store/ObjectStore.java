package io.mobula.store;

import io.mobula.StoreStats;

/**
 * A node's object store: immutable objects, written once in place and then shared.
 * <p>
 * The life of an object is {@code create} (reserve and fill in place), {@link ObjectBuilder#seal()}
 * (publish: from then on it is visible and immutable), {@code get} (pin a read-only view),
 * {@link ObjectView#close()} (unpin) and {@code delete}. Only sealed objects are visible to
 * {@code get}. A delete of a pinned object takes effect when its last pin is released, so a reader
 * never sees memory change under it.
 * <p>
 * Every method is thread safe. Implementations differ in where the memory lives (the process heap's
 * neighbourhood today, a shared-memory arena mapped by every local process later); callers see only
 * this interface.
 */
public interface ObjectStore extends AutoCloseable {
    /**
     * Reserves {@code size} bytes, 64-byte aligned, for a new object.
     *
     * @param id   the object's id; must not name an object already in the store.
     * @param size the data size in bytes, {@code >= 0}.
     * @param kind how the bytes are encoded, kept beside the data and returned by every view.
     * @return a builder holding the writable memory; seal or abort it.
     * @throws ObjectTooLargeException   when {@code size} exceeds the whole capacity (never waits).
     * @throws StoreFullException        when there is no room and none was freed within the
     *                                   store's create timeout.
     * @throws ObjectExistsException     when {@code id} is already created or sealed.
     * @throws StoreClosedException      when the store is closed.
     */
    ObjectBuilder create(ObjectId id, long size, int kind);

    /**
     * Pins a sealed object and returns a read-only view of it, waiting for it to be sealed.
     *
     * @param timeoutNs how long to wait for the object to be sealed; 0 means do not wait.
     * @return the pinned view, or {@code null} if the object was not sealed within the timeout.
     */
    ObjectView get(ObjectId id, long timeoutNs);

    /** @return true if {@code id} is sealed in this store. */
    boolean contains(ObjectId id);

    /**
     * Deletes an object: at once if unpinned, otherwise when its last pin is released. Deleting a
     * created but unsealed object aborts it.
     *
     * @return true if the object was present.
     */
    boolean delete(ObjectId id);

    /** @return a consistent snapshot of the store's usage. */
    StoreStats stats();

    /** Frees all memory; views still held become unusable, later calls throw {@link StoreClosedException}. */
    @Override
    void close();
}
