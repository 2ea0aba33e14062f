package io.mobula.cluster.ownership;

import io.mobula.MobulaException;
import io.mobula.ObjectLostException;

/**
 * The owner of results that stayed on nodes (Ray's ownership: the process that submitted the work
 * owns what it returns), as its {@link ObjectOnNode}s ask it: to read one where it lives, to tell
 * whether one was lost with its node, and to make one again from its {@link Lineage}.
 */
public interface ObjectOwner {
    /**
     * The value of {@code object}, read from where it lives.
     *
     * @throws ObjectLostException if the node holding it was declared dead.
     */
    Object read(NodeObject object);

    /** Whether the node process that held {@code object} is known to have died. */
    boolean holderGone(NodeObject object);

    /** Whether reading {@code object} failed ({@code failure}) because it is gone with its node. */
    boolean lost(NodeObject object, MobulaException failure);

    /**
     * Runs the task of {@code lineage} again, its lost arguments rebuilt first.
     *
     * @return the new result's place (a {@link NodeObject}), or the value itself when it came back small.
     * @throws ObjectLostException if it cannot be made again.
     */
    Object rerun(Lineage lineage);

    /** Drops {@code object}'s value on its node now ({@code Mobula.free}); returns once the node has. */
    void free(NodeObject object);
}
