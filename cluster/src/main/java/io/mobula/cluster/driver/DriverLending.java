package io.mobula.cluster.driver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.mobula.runtime.RuntimeAccess;
import io.mobula.ObjectRef;
import io.mobula.TaskException;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.cluster.lending.RefLending;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.RemoteCall;

/**
 * A connected driver's side of refs crossing. A driver serves no one, so it lends its objects
 * through the node it is connected to: it deposits each there (its value, or where it lives on a
 * node, once it is ready) and keeps it until that node answers the deposit, when the last borrower
 * has let go. When the driver's session ends, the node tells borrowers its owner died.
 */
final class DriverLending extends RefLending {
    private final String address;
    /** The id of the node at {@link #address} when the driver connected (the view names a later one). */
    private final String connectedNodeId;
    private final DriverClusterWatch watch;
    private final ConnectedDriver driver;
    /** Encodes deposits off the thread that lends (which is inside an encoding already). */
    private final Executor encoder;
    private final String owner = "the driver " + ProcessHandle.current().pid() + "@" + hostName();
    /** The objects lent, each kept until every deposit of it is answered. */
    private final Map<ObjectId, Pin> pins = new ConcurrentHashMap<>();
    private volatile NodeRuntime runtime;

    private record Pin(ObjectRef<?> ref, int deposits) {
    }

    DriverLending(PeerSessions sessions, String address, String nodeId, DriverClusterWatch watch, ConnectedDriver driver,
                  Executor encoder) {
        super(sessions);
        this.address = address;
        this.connectedNodeId = nodeId;
        this.watch = watch;
        this.driver = driver;
        this.encoder = encoder;
    }

    /** The driver's runtime, made after its invoker. */
    void bindTo(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected NodeRuntime runtime() {
        return runtime;
    }

    @Override
    protected void lendOwn(ObjectRef<?> ref, ObjectEntry entry, HandleCodec.HandleOutput out, ValueCodec codec) {
        ObjectId id = entry.id();
        pins.compute(id, (k, pin) -> new Pin(ref, pin == null ? 1 : pin.deposits() + 1));
        sessions().send(address, LendMessages.deposit(id, owner, null), (answer, failure) -> unpin(id));
        RuntimeAccess.whenReady(ref, () -> encoder.execute(
            () -> sessions().send(address, LendMessages.ready(id, owner, answerFor(ref, entry, codec)))));
        write(out, id, address, nodeId(), owner, true);
    }

    /** The node at the driver's address now: a head restarted there is another node, which answers for new lends. */
    private String nodeId() {
        String now = watch.aliveAt(address);
        return now != null ? now : connectedNodeId;
    }

    private void unpin(ObjectId id) {
        pins.computeIfPresent(id, (k, pin) -> pin.deposits() <= 1 ? null : new Pin(pin.ref(), pin.deposits() - 1));
    }

    /** What a borrower reading the object gets: where it lives on a node, its value, or its failure. */
    private static byte[] answerFor(ObjectRef<?> ref, ObjectEntry entry, ValueCodec codec) {
        try {
            if (entry.stored() instanceof ObjectOnNode form) {
                form.ensureAlive(); // lost with its node: made again first, from its lineage
                if (!form.isInline()) {
                    return RemoteCall.encodeStayed(form.object()); // read from its node, not through here
                }
            }
            if (nestsRefs(entry.stored())) {
                // its node serves the same bytes to every reader: refs inside would be lent once, borrowed many times
                return RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "object " + entry.id() + ", lent "
                    + "by a driver, has refs nested inside it, which a driver cannot lend on; lend those refs themselves", "");
            }
            byte[] answer = RemoteCall.encodeResult(ref.get(), codec);
            if (answer.length > RemoteCall.MAX_BYTES) {
                return RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "object " + entry.id() + " takes "
                    + answer.length + " bytes, more than a lent value carries (" + RemoteCall.MAX_BYTES + "); put() it "
                    + "while connected, so that it lives in a node's store", "");
            }
            return answer;
        } catch (TaskException e) {
            return RemoteCall.encodeFailure(e.remoteClassName(), e.remoteMessage(), e.remoteStackTrace());
        } catch (RuntimeException e) {
            return RemoteCall.encodeFailure(e);
        }
    }

    private static boolean nestsRefs(Object stored) {
        Object[] contained = stored instanceof io.mobula.runtime.StoredValues.Inline inline ? inline.contained()
            : stored instanceof io.mobula.runtime.StoredValues.InStore inStore ? inStore.contained() : null;
        return contained != null && contained.length > 0;
    }

    @Override
    protected ObjectRef<?> home(ObjectId id, String lenderNodeId) {
        Pin pin = lenderNodeId.equals(nodeId()) ? pins.get(id) : null;
        return pin == null ? null : pin.ref();
    }

    @Override
    protected boolean dead(String id) {
        return watch.dead(id);
    }

    @Override
    protected Object readPlaced(NodeObject object, ValueCodec codec) {
        return driver.read(object);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
