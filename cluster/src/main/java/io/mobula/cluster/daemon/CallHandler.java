package io.mobula.cluster.daemon;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.mobula.InfeasibleResourcesException;
import io.mobula.InternalAccess;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskCancelledException;
import io.mobula.TaskException;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.jobs.JobNotKnownException;
import io.mobula.cluster.jobs.ReflectiveFunction;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.objects.ArgumentUnavailableException;
import io.mobula.cluster.objects.NodeObjects;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.placement.GroupScheduler;
import io.mobula.cluster.placement.Placement;
import io.mobula.cluster.wire.NameMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteActor;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.wire.StreamMessages;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.runtime.RetryPolicy;
import io.mobula.runtime.RuntimeAccess;
import io.mobula.runtime.StoredValues;
import io.mobula.runtime.StreamedReturns;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ServerGoneException;

/**
 * A node's side of calls ({@link RemoteCall}: tasks, actor creations, actor calls and kills): work
 * is placed ({@link Placement}) and either run on this node's runtime, once its job's classes are
 * here and its arguments from other nodes have arrived, or passed on to the node chosen, whose
 * answer is relayed. Answers go back when the work is done, never by blocking the server's thread.
 */
final class CallHandler {
    private final NodeRuntime runtime;
    private final String address;
    private final ClusterView view;
    private final PeerSessions peers;
    private final JobClassPaths jobs;
    private final NodeObjects objects;
    private final SessionOwnership owned;
    private final JobHandler jobHandler;
    private final GroupHandler groupHandler;
    private final NameHandler nameHandler;
    /** This node as placement sees it. */
    private final Supplier<NodeInfo> self;
    private final Placement placement = new Placement();
    /** The tasks and actor calls taken and not answered yet, for cancels to find. */
    private final CallCancels cancels;
    /** The streaming generator calls taken, until their values are read. */
    private final GeneratorStreams streams;
    private final AtomicLong bundleTurn = new AtomicLong();

    CallHandler(NodeRuntime runtime, String address, ClusterView view, PeerSessions peers, Supplier<NodeInfo> self,
                NodeObjects objects, SessionOwnership owned, JobClassPaths jobs, JobHandler jobHandler, GroupHandler groupHandler,
                NameHandler nameHandler) {
        this.runtime = runtime;
        this.address = address;
        this.view = view;
        this.peers = peers;
        this.self = self;
        this.objects = objects;
        this.owned = owned;
        this.jobs = jobs;
        this.jobHandler = jobHandler;
        this.groupHandler = groupHandler;
        this.nameHandler = nameHandler;
        this.cancels = new CallCancels(runtime, peers);
        this.streams = new GeneratorStreams(taskId -> cancels.cancel(new RemoteCall.Cancel(taskId, false, true)));
    }

    void onCall(long session, byte[] payload, AuthServer.Reply reply) {
        RemoteCall.Call call;
        try {
            call = RemoteCall.decode(payload);
        } catch (IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed call: " + e, ""));
            return;
        }
        if (call.taskId() != null) {
            ObjectId id = call.taskId();
            AuthServer.Reply answer = reply;
            reply = bytes -> {
                cancels.answered(id);
                answer.send(bytes);
            };
            if (call.generator()) { // its reads may come before it is placed: they wait for it
                streams.taken(session, id);
                AuthServer.Reply ended = reply;
                reply = bytes -> {
                    streams.callAnswered(id, bytes);
                    ended.send(bytes);
                };
            }
            if (!cancels.arrived(id)) { // its cancel came first
                reply.send(cancelledAnswer(call));
                return;
            }
        }
        try {
            switch (call.kind()) {
                case RemoteCall.TASK -> place(call, owned.objectsOwnedBy(session, reply));
                // a detached actor outlives the session
                case RemoteCall.ACTOR_CREATE -> place(call, call.detached() ? reply : owned.actorOwnedBy(session, reply));
                case RemoteCall.ACTOR_CALL -> callActor(call, owned.objectsOwnedBy(session, reply));
                case RemoteCall.ACTOR_KILL -> killActor(call, reply);
                default -> throw new IllegalStateException("not a call kind: " + call.kind());
            }
        } catch (RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(e)); // a bad function name, an infeasible request: said, not thrown
        }
    }

    private void place(RemoteCall.Call call, AuthServer.Reply reply) {
        if (call.strategy() instanceof SchedulingStrategy.PlacementGroupBundle bundle && !call.placed()) {
            intoGroup(call, bundle, reply);
            return;
        }
        NodeInfo self = this.self.get();
        Placement.Target target = placement.place(call.requested(), call.strategy(), call.placed(), self, view.peers(self.id()));
        if (target.problem() != null) {
            reply.send(RemoteCall.encodeFailure(new InfeasibleResourcesException(call.displayName() + ": " + target.problem())));
        } else if (target.here()) {
            withJob(call, reply, (job, fetched) -> runHere(call, job, fetched, reply));
        } else {
            String peer = target.node().address();
            if (call.taskId() != null) {
                cancels.passedOn(call.taskId(), peer); // a cancel goes where the task goes
            }
            String peerId = target.node().id();
            jobHandler.tell(peer, call.job()).thenCompose(told -> passOn(peer, peerId, call.placedHere()))
                .whenComplete((answer, error) -> reply.send(error == null ? answer
                : unreachable(peerId, "node " + peerId + " at " + peer + " chosen for " + call.displayName(), error)));
        }
    }

    /**
     * Sends work in a placement group to its bundle's node, once the group is placed: the bundle
     * asked for, or (any bundle) the next in turn.
     */
    private void intoGroup(RemoteCall.Call call, SchedulingStrategy.PlacementGroupBundle bundle, AuthServer.Reply reply) {
        groupHandler.groupPlaces(bundle.groupId()).whenComplete((places, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                reply.send(RemoteCall.encodeFailure(new MobulaException(call.displayName() + " cannot run in placement group "
                    + bundle.groupId() + ": " + cause.getMessage(), cause)));
                return;
            }
            int index = bundle.bundleIndex() >= 0 ? bundle.bundleIndex()
                : (int) Math.floorMod(bundleTurn.getAndIncrement(), (long) places.size());
            String place = places.get(index);
            String target = GroupScheduler.addressOf(place);
            RemoteCall.Call routed = call.inBundle(index);
            String holder = GroupScheduler.nodeOf(place);
            if (target.equals(address) && !holder.equals(runtime.nodeId())) { // held by a process before this one here
                reply.send(RemoteCall.encodeFailure(new NodeDiedException("node " + holder + " that held bundle " + index
                    + " of placement group " + bundle.groupId() + " is gone (node " + runtime.nodeId() + " serves at "
                    + address + " now); the head places the bundle again")));
            } else if (target.equals(address)) {
                withJob(routed, reply, (job, fetched) -> runHere(routed, job, fetched, reply));
            } else {
                if (call.taskId() != null) {
                    cancels.passedOn(call.taskId(), target);
                }
                jobHandler.tell(target, call.job()).thenCompose(told -> passOn(target, holder, routed))
                    .whenComplete((answer, failed) -> reply.send(failed == null ? answer
                        : unreachable(holder, "the node at " + target + " holding bundle " + index
                            + " of placement group "
                            + bundle.groupId(), failed)));
            }
        });
    }

    /**
     * Sends a call to the node chosen for it; a generator's reads follow it there from then on (sent
     * after it, so that node has the call when they come).
     */
    private CompletableFuture<byte[]> passOn(String peer, String peerId, RemoteCall.Call call) {
        CompletableFuture<byte[]> answer = peers.send(peer, RemoteCall.encode(call));
        if (call.generator()) {
            streams.passedOn(call.taskId(), readsPassedTo(peer, peerId, call));
        }
        return answer;
    }

    /** A generator's reads sent on to the node running it, its answers relayed; its death answered as such. */
    private GeneratorStreams.Source readsPassedTo(String peer, String peerId, RemoteCall.Call call) {
        ObjectId id = call.taskId();
        return new GeneratorStreams.Source() {
            @Override
            public void read(long index, AuthServer.Reply reply) {
                peers.send(peer, StreamMessages.read(id, index)).whenComplete((answer, error) -> reply.send(error == null
                    ? answer : unreachable(peerId, "node " + peerId + " at " + peer + " running the generator "
                    + call.displayName(), error)));
            }

            @Override
            public void close() {
                peers.send(peer, StreamMessages.close(id));
            }
        };
    }

    /**
     * The answer when the node chosen for work ({@code nodeId}) failed to answer: {@link
     * NodeDiedException} if it died (a system failure: the work's owner runs it again elsewhere),
     * else a plain failure. By id, not address: a node started again at the address is another node.
     */
    private byte[] unreachable(String nodeId, String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        if (cause instanceof JobNotKnownException) {
            return RemoteCall.encodeFailure(cause); // this node lost the job (it restarted): its driver registers it again
        }
        if (cause instanceof NodeDiedException || cause instanceof ServerGoneException || view.dead(nodeId)) {
            return RemoteCall.encodeFailure(new NodeDiedException(what + " died before answering: " + cause.getMessage(), cause));
        }
        return RemoteCall.encodeFailure(new MobulaException(what + " could not be reached: " + cause.getMessage(), cause));
    }

    private void runHere(RemoteCall.Call call, JobClassPaths.Job job, Map<ObjectId, ObjectView> fetched, AuthServer.Reply reply)
        throws IOException {
        SchedulingStrategy here = call.strategy() instanceof SchedulingStrategy.PlacementGroupBundle
            ? call.strategy() : SchedulingStrategy.defaultStrategy();
        ReflectiveFunction function = ReflectiveFunction.find(job.loader(), call.className(), call.methodName(),
            call.signature(), false);
        Object[] args = argumentsOf(call, job, fetched);
        if (call.kind() == RemoteCall.TASK) {
            if (call.taskId() != null && cancels.cancelled(call.taskId())) {
                reply.send(cancelledAnswer(call)); // cancelled while its job or arguments came: it never runs
                return;
            }
            ObjectEntry result;
            if (call.generator()) {
                StreamedReturns values = runtime.submitGenerator(function, args, call.requested(), RetryPolicy.NONE, here,
                    call.isolated(), jobOf(call));
                streams.runsHere(call.taskId(), values, value -> answerFor("a value of the generator " + call.displayName(),
                    InternalAccess.newRef(value, runtime), job.codec(), true));
                result = values.result();
            } else {
                result = runtime.submitTask(function, args, call.requested(), RetryPolicy.NONE, here, call.isolated(),
                    jobOf(call));
            }
            if (call.taskId() != null) {
                cancels.runsHere(call.taskId(), result);
            }
            answerWhenReady(call, job, result, reply);
        } else {
            if (call.restarts() > 0) {
                runtime.countActorRestart(); // its owner builds it again here: its node died
            }
            ActorRecord actor = runtime.createActor(function, args, call.requested(), call.maxRestarts(),
                Math.max(1, call.maxConcurrency()), here, call.isolated(), call.concurrencyGroups(), jobOf(call), call.restarts());
            owned.hosted(actor);
            String place = new RemoteActor(actor.id(), address).toString();
            if (!call.actorName().isEmpty()) {
                // the cluster's directory: where the name lives now, and free again when the actor dies
                nameHandler.tellHead(NameMessages.placed(call.actorName(), call.actorNamespace(), place, call.className()),
                    NameHandler.HEAD_RETRIES);
                actor.onDeath(() -> nameHandler.tellHead(NameMessages.unname(call.actorName(), call.actorNamespace(), place),
                    NameHandler.HEAD_RETRIES));
            }
            reply.send(RemoteCall.encodeResult(place));
        }
    }

    /** The job a call's work belongs to, as the runtime context names it; null (0 on the wire): this node's own. */
    private static String jobOf(RemoteCall.Call call) {
        return call.jobId() == 0 ? null : String.format("%016x", call.jobId());
    }

    private void callActor(RemoteCall.Call call, AuthServer.Reply reply) {
        ActorRecord actor = owned.actor(call.actorId());
        if (actor == null) {
            throw owned.noActor(call.actorId());
        }
        withJob(call, reply, (job, fetched) -> {
            ReflectiveFunction method = ReflectiveFunction.find(job.loader(), call.className(), call.methodName(),
                call.signature(), true);
            Object[] args = argumentsOf(call, job, fetched);
            if (call.taskId() != null && cancels.cancelled(call.taskId())) {
                reply.send(cancelledAnswer(call));
                return;
            }
            String group = call.concurrencyGroup().isEmpty() ? null : call.concurrencyGroup();
            ObjectEntry result = runtime.submitActorCall(actor, method, args, RetryPolicy.NONE, group);
            if (call.taskId() != null) {
                cancels.runsHere(call.taskId(), result);
            }
            answerWhenReady(call, job, result, reply);
        });
    }

    /** A call's arguments, read with its job's classes; those pulled from other nodes are read in place. */
    private Object[] argumentsOf(RemoteCall.Call call, JobClassPaths.Job job, Map<ObjectId, ObjectView> fetched)
        throws IOException {
        try {
            return call.args(job.codec(), object -> objects.value(object, job.codec(), fetched));
        } finally {
            objects.dropCopies(fetched); // the values hold what they read; the copies are not needed again
        }
    }

    /** Work that needs its job's classes, and the views of its arguments pulled from other nodes. */
    private interface JobWork {
        void run(JobClassPaths.Job job, Map<ObjectId, ObjectView> fetched) throws IOException;
    }

    /**
     * Runs {@code work} once the call's job is ready here and its arguments from other nodes have
     * arrived; answers a failure if the job is unknown or either fails.
     */
    private void withJob(RemoteCall.Call call, AuthServer.Reply reply, JobWork work) {
        CompletableFuture<JobClassPaths.Job> job = jobs.job(call.job());
        if (job == null) {
            reply.send(RemoteCall.encodeFailure(new JobNotKnownException("job " + call.job() + " is not known on node "
                + runtime.nodeId() + "; its driver registers its class path when it connects (mobula submit --jar)")));
            return;
        }
        CompletableFuture<Map<ObjectId, ObjectView>> arguments;
        try {
            arguments = objects.fetchRemote(call.nodeObjects());
        } catch (IOException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed call: " + e, ""));
            return;
        }
        job.whenComplete((ready, error) -> {
            if (error != null) {
                arguments.thenAccept(objects::dropCopies); // the work will not run
                reply.send(RemoteCall.encodeFailure(new MobulaException("the class path of job " + call.job()
                    + " did not reach node " + runtime.nodeId() + ": " + error.getMessage(), error)));
                return;
            }
            arguments.whenComplete((fetched, failed) -> {
                try {
                    if (failed != null) {
                        throw new ArgumentUnavailableException("an argument of " + call.displayName()
                            + " could not be fetched from its node: " + failed.getMessage(), failed);
                    }
                    work.run(ready, fetched);
                } catch (IOException | RuntimeException e) {
                    reply.send(RemoteCall.encodeFailure(e));
                }
            });
        });
    }

    /**
     * A read of a generator's next value (or a close of its stream) from {@code session}; a large
     * value kept for the reader goes with its session, as a result does.
     */
    void onStreamRead(long session, byte[] payload, AuthServer.Reply reply) {
        StreamMessages.Read read;
        try {
            read = StreamMessages.decodeRead(payload);
        } catch (IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed stream read: " + e, ""));
            return;
        }
        streams.read(session, read, owned.objectsOwnedBy(session, reply));
    }

    /** A session ended: the generators it read stop. */
    void sessionEnded(long session) {
        streams.sessionEnded(session);
    }

    /** A cancel of a call taken here: applied here, or sent on to where the call was passed. */
    void onCancel(byte[] payload, AuthServer.Reply reply) {
        RemoteCall.Cancel cancel;
        try {
            cancel = RemoteCall.decodeCancel(payload);
        } catch (IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed cancel: " + e, ""));
            return;
        }
        reply.send(RemoteCall.encodeResult(cancels.cancel(cancel)));
    }

    private byte[] cancelledAnswer(RemoteCall.Call call) {
        return RemoteCall.encodeFailure(new TaskCancelledException(call.displayName() + " was cancelled before it ran on node "
            + runtime.nodeId()));
    }

    private void killActor(RemoteCall.Call call, AuthServer.Reply reply) {
        if (call.killRestarts()) {
            ActorRecord actor = owned.actor(call.actorId());
            if (actor != null) {
                runtime.killAndRestart(actor); // rebuilt here while its restarts allow
                if (actor.isDead()) {
                    owned.removeActor(call.actorId());
                }
            }
            reply.send(RemoteCall.encodeResult(actor != null && !actor.isDead()));
            return;
        }
        ActorRecord actor = owned.removeActor(call.actorId());
        if (actor != null) {
            runtime.kill(actor);
        }
        reply.send(RemoteCall.encodeResult(actor != null));
    }

    private void answerWhenReady(RemoteCall.Call call, JobClassPaths.Job job, ObjectEntry entry, AuthServer.Reply reply) {
        ObjectRef<Object> result = InternalAccess.newRef(entry, runtime);
        RuntimeAccess.whenReady(result, () -> reply.send(answerFor("the result of " + call.displayName(), result, job.codec(),
            true)));
    }

    /**
     * The answer for a finished object (a result, or a lent object being read): its encoded value, or
     * what its work threw. A large one stays in this node's store and the answer says where: kept
     * for the owner who asked ({@code keep}), or held already (a lent object, held by its lend).
     */
    byte[] answerFor(String what, ObjectRef<?> result, ValueCodec codec, boolean keep) {
        try {
            // one with refs nested inside is written anew (below), so that its refs are lent
            if (RuntimeAccess.entryOf(result).stored() instanceof StoredValues.InStore inStore
                && (inStore.contained() == null || inStore.contained().length == 0)) {
                NodeObject where = keep ? objects.keep(result, inStore.id(), inStore.kind(), inStore.size())
                    : objects.locate(inStore.id(), inStore.kind(), inStore.size());
                if (where != null) {
                    return RemoteCall.encodeStayed(where);
                }
            }
            byte[] answer = RemoteCall.encodeResult(result.get(), codec);
            if (answer.length > RemoteCall.MAX_BYTES) {
                return RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), what + " takes " + answer.length
                    + " bytes; an answer carries at most " + RemoteCall.MAX_BYTES + " for now", "");
            }
            return answer;
        } catch (TaskException e) {
            return RemoteCall.encodeFailure(e.remoteClassName(), e.remoteMessage(), e.remoteStackTrace());
        } catch (RuntimeException e) {
            return RemoteCall.encodeFailure(e);
        }
    }
}
