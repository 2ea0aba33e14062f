package io.mobula.cluster.driver;

import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.mobula.ObjectLostException;
import io.mobula.cluster.objects.NodeObjects;
import io.mobula.cluster.ownership.Lineage;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.cluster.ownership.ObjectOwner;
import io.mobula.cluster.wire.ObjectMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.runtime.TaskSpec;
import io.mobula.store.ObjectView;
import io.mobula.store.arena.ArenaReader;
import io.mobula.store.codec.ValueCodec;

/**
 * A connected driver's results that stayed on the nodes that made them: each held as an {@link
 * ObjectOnNode} with its {@link Lineage}, read from the node's arena when the node is on this host
 * (mapped read-only once) or fetched, and let go on its node once the driver no longer holds it.
 */
final class DriverObjects implements AutoCloseable {
    /** How long a read waits for a result to appear in a node's arena it was told is there. */
    private static final long ARENA_WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    /** A fetch of a result from a node that may be busy: as long as a call may take. */
    private static final long FETCH_TIMEOUT_MS = DriverCalls.CALL_TIMEOUT.toMillis();

    private final PeerSessions sessions;
    private final DriverClusterWatch watch;
    /** The owner its forms ask to read, and to make them again. */
    private final ObjectOwner owner;
    /** The arenas of nodes on this host, mapped read-only once each. */
    private final Map<String, ArenaReader> arenas = new ConcurrentHashMap<>();
    /** Tells a node to let go of a result once the driver's form of it is unreachable. */
    private final Cleaner releases = Cleaner.create(r -> {
        Thread t = new Thread(r, "mobula-driver-releases");
        t.setDaemon(true);
        return t;
    });

    DriverObjects(PeerSessions sessions, DriverClusterWatch watch, ObjectOwner owner) {
        this.sessions = sessions;
        this.watch = watch;
        this.owner = owner;
    }

    /**
     * A result that stayed on its node becomes this driver's form of it, made again by running
     * {@code madeBy} on {@code args} if the node dies (null, or not a task: it cannot be); any other
     * value is itself. Lineage is kept only for such results, not for every call.
     */
    Object held(Object answer, TaskSpec madeBy, Object[] args) {
        if (!(answer instanceof NodeObject object)) {
            return answer;
        }
        Lineage lineage = madeBy != null && madeBy.isTask() ? new Lineage(madeBy, args) : null; // an actor method: not made again
        ObjectOnNode form = new ObjectOnNode(object, owner, lineage);
        PeerSessions peers = sessions; // the release captures what it needs, not this
        AtomicReference<NodeObject> where = form.where();
        releases.register(form, () -> {
            NodeObject at = where.get();
            peers.send(at.address(), ObjectMessages.release(at.id()));
        });
        return form;
    }

    /**
     * A result kept on a node, its value read with {@code codec}: a view of its arena when the node
     * is on this host, else fetched.
     *
     * @throws ObjectLostException if the node holding it was declared dead.
     */
    Object read(NodeObject object, ValueCodec codec) {
        if (watch.holderGone(object)) {
            // even where its arena is still readable (a node on this host): a node declared dead is fenced off
            throw new ObjectLostException("object " + object.id() + " was lost with node " + object.holder()
                + " at " + object.address() + ", declared dead");
        }
        Path arena = Path.of(object.arena());
        if (Files.isReadable(arena)) {
            ArenaReader reader = arenas.computeIfAbsent(object.arena(), path -> new ArenaReader(arena));
            ObjectView view = reader.get(object.id(), ARENA_WAIT_NS);
            if (view != null) {
                return NodeObjects.decode(view, codec); // read straight from the node's memory for as long as it is held
            }
        }
        return NodeObjects.fetchValue(sessions, object, codec, FETCH_TIMEOUT_MS);
    }

    @Override
    public void close() {
        arenas.values().forEach(ArenaReader::close);
    }
}
