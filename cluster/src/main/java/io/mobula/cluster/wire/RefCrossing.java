package io.mobula.cluster.wire;

import io.mobula.ObjectRef;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;

/**
 * How a ref nested inside a value crosses between processes: the process that writes it lends it
 * (its owner keeps the object for the borrower), the process that reads it back borrows it (a ref
 * whose value is asked of the owner when someone gets it). One per process side: a node's, a
 * driver's.
 */
public interface RefCrossing {
    /**
     * Writes {@code ref} for another process, keeping its object for the borrower; {@code codec} is
     * the one writing the value around it (and writes the object's value when it is read).
     */
    void lend(ObjectRef<?> ref, HandleCodec.HandleOutput out, ValueCodec codec);

    /**
     * Reads back a ref another process lent: a borrowed ref, or this process's own ref when it comes
     * home; {@code codec} is the one reading the value around it (and reads the object's value).
     */
    ObjectRef<?> borrow(HandleCodec.HandleInput in, ValueCodec codec);
}
