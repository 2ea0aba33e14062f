package io.mobula.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.runtime.RuntimeAccess;
import io.mobula.ActorDiedException;
import io.mobula.InfeasibleResourcesException;
import io.mobula.InternalAccess;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.runtime.RetryPolicy;
import io.mobula.store.ObjectId;
import io.mobula.transport.AuthServer;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;

/**
 * What a node does with the requests its server accepts (from drivers, other nodes and, at the
 * head, joining nodes): work is placed ({@link Placement}) and either submitted to this node's
 * runtime or passed on to the node chosen, whose answer is relayed; status requests get the
 * cluster as this node knows it; control commands go to the head's tables. Answers go back when the
 * work is done, never by blocking the server's thread.
 */
final class NodeService implements AuthServer.AsyncRequestHandler {
    private final NodeRuntime runtime;
    private final String address;
    private final boolean head;
    private final HeadTables tables;
    private final ClusterView view;
    private final PeerSessions peers;
    private final JobClassPaths jobs;
    /** The head's placement groups; null on other nodes, which pass group requests to the head. */
    private final GroupScheduler groups;
    private final String headAddress;
    private final java.util.concurrent.atomic.AtomicLong bundleTurn = new java.util.concurrent.atomic.AtomicLong();
    private final Placement placement = new Placement();
    private final NodeObjects objects;
    /** The objects lent out of this node (its own, and its drivers'), kept until their borrowers let go. */
    private final Lends lends;
    private final io.mobula.objects.ObjectManager objectManager;
    /** The status field naming where a node's object manager listens. */
    static final String OBJECT_MANAGER_FIELD = "objects.address";
    /** This node's id and resources in all: fixed for its life. */
    private final Map<String, Double> totals;
    /** The jobs each peer has been told of (by "address job"): told once, before the first work of the job sent there. */
    private final Map<String, CompletableFuture<Void>> jobsTold = new ConcurrentHashMap<>();
    /** Actors created here for drivers and other nodes, by their id on this node. */
    private final Map<Long, ActorRecord> actors = new ConcurrentHashMap<>();
    /**
     * The actors each session asked this node for, wherever they were placed: when the session ends
     * (its driver closed or died), they end too, as a Ray driver's actors do.
     */
    private final Map<Long, List<RemoteActor>> actorsBySession = new ConcurrentHashMap<>();
    /** The results kept in stores for each session's owner, wherever they were made: let go when it ends. */
    private final Map<Long, java.util.Set<NodeObject>> objectsBySession = new ConcurrentHashMap<>();

    /** @param headAddress where the head listens, for a node that joined one; null at the head. */
    NodeService(NodeRuntime runtime, String address, boolean head, String headAddress, HeadTables tables, ClusterView view,
                PeerSessions peers, JobClassPaths jobs, io.mobula.objects.ObjectManager objectManager) {
        this.runtime = runtime;
        this.jobs = jobs;
        this.headAddress = headAddress;
        this.head = head;
        this.groups = tables == null ? null : new GroupScheduler(tables, runtime, this::self, view, peers);
        this.objects = new NodeObjects(runtime, address, peers, objectManager);
        this.lends = new Lends(runtime::nodeId, address, (ref, codec) -> answerFor("object " + ref.id(), ref, codec, false),
            timer);
        jobs.crossRefsThrough(new NodeLending(peers, runtime, address, lends, view, objects));
        this.objectManager = objectManager;
        this.totals = Map.copyOf(runtime.totalResources());
        this.address = address;
        this.tables = tables;
        this.view = view;
        this.peers = peers;
        // what waits on a node the head declared dead fails now, as a system failure its owner retries elsewhere
        view.onNodeDeath(node -> {
            peers.declareDead(node.address(), ClusterView.declaredDead(node));
            jobsTold.keySet().removeIf(told -> told.startsWith(node.address() + " ")); // a node there later must be told anew
            String manager = view.field(node.id(), OBJECT_MANAGER_FIELD);
            if (!manager.isEmpty()) {
                objectManager.nodeDied(manager);
            }
        });
    }

    @Override
    public void handle(long session, byte[] payload, AuthServer.Reply reply) {
        if (RemoteCall.isCall(payload)) {
            onCall(session, payload, reply);
            return;
        }
        if (JobMessages.kind(payload) != 0) {
            try {
                onJobMessage(payload, reply);
            } catch (IOException | RuntimeException e) {
                reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed or refused job message: "
                    + e, ""));
            }
            return;
        }
        if (GroupMessages.isGroupMessage(payload)) {
            try {
                onGroupMessage(payload, reply);
            } catch (IOException e) {
                reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(),
                    "malformed placement group message: " + e, ""));
            } catch (RuntimeException e) {
                reply.send(RemoteCall.encodeFailure(e)); // a group that could never fit, a node outside a cluster
            }
            return;
        }
        if (ObjectMessages.kind(payload) != 0) {
            try {
                ObjectMessages.Message message = ObjectMessages.decode(payload);
                if (message.kind() == ObjectMessages.RELEASE) {
                    objects.release(message.id());
                    objectsBySession.values().forEach(owned -> owned.removeIf(o -> o.id().equals(message.id())));
                    reply.send(RemoteCall.encodeResult(Boolean.TRUE));
                } else if (message.kind() == ObjectMessages.WRITE) {
                    NodeObject written = objects.writePiece(message.id(), message.valueKind(), message.size(), message.offset(),
                        message.bytes());
                    AuthServer.Reply owned = objectsOwnedBy(session, reply); // the writer owns it: released with its session
                    owned.send(written == null ? RemoteCall.encodeResult(Boolean.TRUE) : RemoteCall.encodeStayed(written));
                } else {
                    reply.send(RemoteCall.encodeResult(objects.readPiece(message.id(), message.offset(), message.length())));
                }
            } catch (IOException e) {
                reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed object message: " + e, ""));
            } catch (RuntimeException e) {
                reply.send(RemoteCall.encodeFailure(e));
            }
            return;
        }
        if (LendMessages.isLendMessage(payload)) {
            onLendMessage(session, payload, reply);
            return;
        }
        if (NameMessages.isNameMessage(payload)) {
            toHead(payload).whenComplete((answer, error) -> reply.send(error == null ? answer
                : RemoteCall.encodeFailure(new MobulaException("the head at " + headAddress + " could not be reached: "
                    + error.getMessage(), error))));
            return;
        }
        if (NodeStatus.isRequest(payload)) {
            reply.send(clusterStatus());
            return;
        }
        if (ControlCommands.isCommand(payload)) {
            reply.send(ControlCommands.answer(tables == null ? "error only the head keeps the cluster's tables"
                : tables.command(payload)));
            return;
        }
        // none of the messages a node serves: a peer of another build, or junk
        int template = WireInput.templateId(payload);
        MalformedMessageException e = new MalformedMessageException("Request", "header", template == -1
            ? "not a message of this schema" : "template " + template + " is no message a node serves");
        reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed request: " + e.getMessage(),
            ""));
    }

    private void onLendMessage(long session, byte[] payload, AuthServer.Reply reply) {
        LendMessages.Message message;
        try {
            message = LendMessages.decode(payload);
        } catch (IOException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed lend message: " + e, ""));
            return;
        }
        switch (message.kind()) {
            case LendMessages.DEPOSIT -> lends.deposit(session, message, reply); // answered when its last borrower lets go
            case LendMessages.READ -> lends.read(message.id(), message.text(), reply);
            case LendMessages.PROBE -> lends.probe(message.id(), message.text(), session, reply);
            default -> {
                if (message.kind() == LendMessages.READY) {
                    lends.ready(message);
                } else if (message.kind() == LendMessages.BORROW) {
                    lends.borrow(message.id());
                } else {
                    lends.unborrow(message.id(), session);
                }
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            }
        }
    }

    /**
     * The head declared this node dead while it lived (it was cut off) and it is joining again: what
     * it held for others is stale — their owners have failed it over or made it again elsewhere — so
     * it lets go of its kept results, lent objects and bundles, ends the actors it hosted, and takes a new id:
     * it joins as a new node, the old one staying dead.
     */
    void fenced() {
        objects.releaseAll();
        objectsBySession.clear();
        lends.dropOwn(); // lent under the old id, which its borrowers now hold dead
        runtime.bundles().releaseAll(); // the head places them again elsewhere
        for (ActorRecord actor : actors.values()) {
            runtime.kill(actor);
        }
        actors.clear();
        runtime.takeNewId();
    }

    /** A session ended: the actors it asked for go, here and on the nodes they were placed on. */
    void sessionEnded(long session) {
        lends.sessionEnded(session); // what a driver lent through this node goes with it
        java.util.Set<NodeObject> kept = objectsBySession.remove(session);
        if (kept != null) {
            for (NodeObject object : kept) {
                if (object.address().equals(address)) {
                    objects.release(object.id());
                } else {
                    peers.send(object.address(), ObjectMessages.release(object.id()));
                }
            }
        }
        List<RemoteActor> owned = actorsBySession.remove(session);
        if (owned == null) {
            return;
        }
        for (RemoteActor actor : owned) {
            if (actor.address().equals(address)) {
                ActorRecord record = actors.remove(actor.id());
                if (record != null && !runtime.isClosed()) {
                    runtime.kill(record);
                }
            } else {
                peers.send(actor.address(), RemoteCall.actorKill(actor.id()));
            }
        }
    }

    private void onCall(long session, byte[] payload, AuthServer.Reply reply) {
        RemoteCall.Call call;
        try {
            call = RemoteCall.decode(payload);
        } catch (IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed call: " + e, ""));
            return;
        }
        try {
            switch (call.kind()) {
                case RemoteCall.TASK -> place(call, objectsOwnedBy(session, reply));
                case RemoteCall.ACTOR_CREATE -> place(call, call.detached() ? reply : ownedBy(session, reply)); // detached: outlives the session
                case RemoteCall.ACTOR_CALL -> callActor(call, objectsOwnedBy(session, reply));
                case RemoteCall.ACTOR_KILL -> killActor(call, reply);
                default -> throw new IllegalStateException("not a call kind: " + call.kind());
            }
        } catch (RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(e)); // a bad function name, an infeasible request: said, not thrown
        }
    }

    /**
     * A reply that, on the way back, notes a result kept in a store (here or on the node the work
     * went to) as {@code session}'s: when the session ends, it is let go (distributed reference
     * counting: the owner's refs go with the owner).
     */
    private AuthServer.Reply objectsOwnedBy(long session, AuthServer.Reply reply) {
        return answer -> {
            if (RemoteCall.isStayed(answer)) {
                try {
                    if (RemoteCall.decodeAnswer(answer, "result") instanceof NodeObject object) {
                        objectsBySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(object);
                    }
                } catch (IOException | RuntimeException e) {
                    // not an object after all: nothing to own
                }
            }
            reply.send(answer);
        };
    }

    /** A reply that, on the way back, notes the actor a creation made as {@code session}'s. */
    private AuthServer.Reply ownedBy(long session, AuthServer.Reply reply) {
        return answer -> {
            try {
                if (RemoteCall.decodeAnswer(answer, "creation") instanceof String place) {
                    actorsBySession.computeIfAbsent(session, s -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(RemoteActor.parse(place));
                }
            } catch (IOException | RuntimeException e) {
                // a failed creation: no actor to own
            }
            reply.send(answer);
        };
    }

    private void place(RemoteCall.Call call, AuthServer.Reply reply) {
        if (call.strategy() instanceof SchedulingStrategy.PlacementGroupBundle bundle && !call.placed()) {
            intoGroup(call, bundle, reply);
            return;
        }
        NodeInfo self = self();
        Placement.Target target = placement.place(call.requested(), call.strategy(), call.placed(), self, view.peers(self.id()));
        if (target.problem() != null) {
            reply.send(RemoteCall.encodeFailure(new InfeasibleResourcesException(call.displayName() + ": " + target.problem())));
        } else if (target.here()) {
            withJob(call, reply, (job, fetched) -> runHere(call, job, fetched, reply));
        } else {
            String peer = target.node().address();
            tell(peer, call.job()).thenCompose(told -> peers.send(peer, RemoteCall.encode(call.placedHere())))
                .whenComplete((answer, error) -> reply.send(error == null ? answer
                : unreachable(target.node().id(), "node " + target.node().id() + " at " + peer + " chosen for "
                    + call.displayName(), error)));
        }
    }

    /**
     * Sends work in a placement group to its bundle's node, once the group is placed: the bundle
     * asked for, or (any bundle) the next in turn.
     */
    private void intoGroup(RemoteCall.Call call, SchedulingStrategy.PlacementGroupBundle bundle, AuthServer.Reply reply) {
        groupPlaces(bundle.groupId()).whenComplete((places, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
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
                tell(target, call.job()).thenCompose(told -> peers.send(target, RemoteCall.encode(routed)))
                    .whenComplete((answer, failed) -> reply.send(failed == null ? answer
                        : unreachable(holder, "the node at " + target + " holding bundle " + index
                            + " of placement group "
                            + bundle.groupId(), failed)));
            }
        });
    }

    /**
     * The answer when the node chosen for work ({@code nodeId}) failed to answer: {@link
     * NodeDiedException} if it died (a system failure: the work's owner runs it again elsewhere),
     * else a plain failure. By id, not address: a node started again at the address is another node.
     */
    private byte[] unreachable(String nodeId, String what, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        if (cause instanceof JobNotKnownException) {
            return RemoteCall.encodeFailure(cause); // this node lost the job (it restarted): its driver registers it again
        }
        if (cause instanceof NodeDiedException || cause instanceof io.mobula.transport.ServerGoneException || view.dead(nodeId)) {
            return RemoteCall.encodeFailure(new NodeDiedException(what + " died before answering: " + cause.getMessage(), cause));
        }
        return RemoteCall.encodeFailure(new MobulaException(what + " could not be reached: " + cause.getMessage(), cause));
    }

    /** Each bundle's place ({@code id@address}) once the group is placed: the head knows; other nodes ask it. */
    private CompletableFuture<List<String>> groupPlaces(String group) {
        if (groups != null) {
            return groups.whenPlaced(group);
        }
        return peers.send(headAddress, GroupMessages.nodes(group, java.util.concurrent.TimeUnit.MINUTES.toMillis(10)))
            .thenApply(answer -> {
                try {
                    String places = (String) RemoteCall.decodeAnswer(answer, "placement group " + group);
                    if (places.isEmpty()) {
                        throw new MobulaException("placement group " + group + " was not placed within 10 minutes");
                    }
                    return List.of(places.split("\\|"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
    }

    private void onGroupMessage(byte[] payload, AuthServer.Reply reply) throws IOException {
        GroupMessages.Message message = GroupMessages.decode(payload);
        switch (message.kind()) {
            case GroupMessages.RESERVE -> GroupScheduler.reserveHere(runtime, message.group(), message.bundle(),
                message.bundles().get(0), message.waitMs()).thenAccept(held -> reply.send(RemoteCall.encodeResult(held)));
            case GroupMessages.RELEASE -> {
                runtime.bundles().release(message.group(), message.bundle());
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            }
            default -> {
                if (groups == null && headAddress == null) {
                    throw new IllegalStateException("this node neither is a head nor joined one, so it keeps no placement "
                        + "groups; start it with --head, or join a head");
                }
                if (groups == null) { // the head keeps the groups: pass it on, answer with its answer
                    peers.send(headAddress, payload).whenComplete((answer, error) -> reply.send(error == null ? answer
                        : RemoteCall.encodeFailure(new MobulaException("the head at " + headAddress + " could not be reached: "
                            + error.getMessage(), error))));
                    return;
                }
                switch (message.kind()) {
                    case GroupMessages.CREATE -> {
                        groups.create(message.group(), message.strategy(), message.bundles());
                        reply.send(RemoteCall.encodeResult(Boolean.TRUE));
                    }
                    case GroupMessages.NODES -> groups.whenPlaced(message.group()).copy()
                        .completeOnTimeout(List.of(), message.waitMs(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .whenComplete((places, error) -> reply.send(error == null
                            ? RemoteCall.encodeResult(String.join("|", places))
                            : RemoteCall.encodeFailure(error instanceof java.util.concurrent.CompletionException c ? c.getCause() : error)));
                    case GroupMessages.REMOVE -> {
                        groups.remove(message.group());
                        reply.send(RemoteCall.encodeResult(Boolean.TRUE));
                    }
                    default -> throw new IOException("not a placement group request");
                }
            }
        }
    }

    /** A request the head answers: answered here at the head, else sent to it. */
    private CompletableFuture<byte[]> toHead(byte[] request) {
        if (tables == null) {
            return headAddress == null
                ? CompletableFuture.failedFuture(new IllegalStateException("this node neither is a head nor joined one"))
                : peers.send(headAddress, request);
        }
        try {
            NameMessages.Message message = NameMessages.decode(request);
            return CompletableFuture.completedFuture(RemoteCall.encodeResult(directory(message)));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(),
                "malformed name message: " + e, ""));
        }
    }

    /** The head's actor directory: claims, places and lookups of actor names. */
    private Object directory(NameMessages.Message message) {
        return switch (message.kind()) {
            case NameMessages.CLAIM -> tables.record(ControlService.Command.ACTOR_CLAIM, Map.of("name", message.name()));
            case NameMessages.PLACED -> tables.record(ControlService.Command.ACTOR_PLACED, Map.of("name", message.name(),
                "place", message.place(), "class", message.className()));
            case NameMessages.UNNAME -> tables.record(ControlService.Command.ACTOR_UNNAME, Map.of("name", message.name(),
                "place", message.place()));
            default -> {
                ControlService.NamedActor named = tables.namedActor(message.name());
                yield named == null ? "" : named.place().isEmpty() ? NameMessages.PENDING : named.place() + "|" + named.className();
            }
        };
    }

    void close() {
        timer.shutdownNow();
        if (groups != null) {
            groups.close();
        }
    }

    /** Sends again what the head must record, every second, for this many tries (a head restart takes seconds). */
    private static final int HEAD_RETRIES = 60;
    /** Runs what comes later: the head's records sent again, reads of lends that have not arrived given up. */
    private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mobula-node-timer");
            t.setDaemon(true);
            return t;
        });

    /**
     * A change of the cluster's directory (an actor's name placed, or freed at its death) that the
     * head must record: sent until the head takes it, so that a head that was away or restarting
     * does not keep a dead actor's name.
     */
    private void tellHead(byte[] request, int triesLeft) {
        toHead(request).whenComplete((answer, error) -> {
            if ((error != null || RemoteCall.isFailure(answer)) && triesLeft > 1 && !timer.isShutdown()) {
                timer.schedule(() -> tellHead(request, triesLeft - 1), 1, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
    }

    private void runHere(RemoteCall.Call call, JobClassPaths.Job job, Map<ObjectId, io.mobula.store.ObjectView> fetched, AuthServer.Reply reply)
        throws IOException {
        SchedulingStrategy here = call.strategy() instanceof SchedulingStrategy.PlacementGroupBundle
            ? call.strategy() : SchedulingStrategy.defaultStrategy();
        ReflectiveFunction function = ReflectiveFunction.find(job.loader(), call.className(), call.methodName(),
            call.signature(), false);
        Object[] args = argumentsOf(call, job, fetched);
        if (call.kind() == RemoteCall.TASK) {
            ObjectEntry result = runtime.submitTask(function, args, call.requested(), RetryPolicy.NONE, here, call.isolated());
            answerWhenReady(call, job, result, reply);
        } else {
            if (call.restarts() > 0) {
                runtime.countActorRestart(); // its owner builds it again here: its node died
            }
            ActorRecord actor = runtime.createActor(function, args, call.requested(), call.maxRestarts(),
                Math.max(1, call.maxConcurrency()), null, here, call.isolated(), false);
            actors.put(actor.id(), actor);
            String place = new RemoteActor(actor.id(), address).toString();
            if (!call.actorName().isEmpty()) {
                // the cluster's directory: where the name lives now, and free again when the actor dies
                tellHead(NameMessages.placed(call.actorName(), place, call.className()), HEAD_RETRIES);
                actor.onDeath(() -> tellHead(NameMessages.unname(call.actorName(), place), HEAD_RETRIES));
            }
            reply.send(RemoteCall.encodeResult(place));
        }
    }

    private void callActor(RemoteCall.Call call, AuthServer.Reply reply) {
        ActorRecord actor = actors.get(call.actorId());
        if (actor == null) {
            throw new ActorDiedException("no actor " + call.actorId() + " lives on node " + runtime.nodeId() + " at " + address
                + " (it was killed, or the node restarted)");
        }
        withJob(call, reply, (job, fetched) -> {
            ReflectiveFunction method = ReflectiveFunction.find(job.loader(), call.className(), call.methodName(),
                call.signature(), true);
            Object[] args = argumentsOf(call, job, fetched);
            answerWhenReady(call, job, runtime.submitActorCall(actor, method, args, RetryPolicy.NONE), reply);
        });
    }

    /** A call's arguments, read with its job's classes; those pulled from other nodes are read in place. */
    private Object[] argumentsOf(RemoteCall.Call call, JobClassPaths.Job job, Map<ObjectId, io.mobula.store.ObjectView> fetched)
        throws IOException {
        try {
            return call.args(job.codec(), object -> objects.value(object, job.codec(), fetched));
        } finally {
            objects.dropCopies(fetched); // the values hold what they read; the copies are not needed again
        }
    }

    /** Work that needs its job's classes, and the views of its arguments pulled from other nodes. */
    private interface JobWork {
        void run(JobClassPaths.Job job, Map<ObjectId, io.mobula.store.ObjectView> fetched) throws IOException;
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
        CompletableFuture<Map<ObjectId, io.mobula.store.ObjectView>> arguments;
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

    /** Tells the node at {@code peer} of a job before work of it goes there; it fetches the jars it lacks from here. */
    private CompletableFuture<Void> tell(String peer, String job) {
        if (job.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<JobClassPaths.Jar> jars = jobs.jars(job);
        if (jars == null) { // not remembered as told: its driver may register it here again
            return CompletableFuture.failedFuture(new JobNotKnownException("job " + job + " is not known on node "
                + runtime.nodeId() + "; its driver registers its class path when it connects"));
        }
        return jobsTold.computeIfAbsent(peer + " " + job, key -> {
            CompletableFuture<Void> told = peers.send(peer, JobMessages.job(job, address, jars)).thenApply(answer -> {
                try {
                    RemoteCall.decodeAnswer(answer, "registering job " + job);
                    return null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            told.whenComplete((ok, error) -> {
                if (error != null) {
                    jobsTold.remove(key); // tell it again next time
                }
            });
            return told;
        });
    }

    private void onJobMessage(byte[] payload, AuthServer.Reply reply) throws IOException {
        switch (JobMessages.kind(payload)) {
            case JobMessages.JOB -> {
                JobMessages.JobRequest request = JobMessages.decodeJob(payload);
                jobs.register(request.id(), request.jars());
                List<JobClassPaths.Jar> missing = jobs.missing(request.jars());
                if (request.source().isEmpty() || missing.isEmpty()) {
                    reply.send(RemoteCall.encodeResult(String.join(",", missing.stream().map(JobClassPaths.Jar::sha256).toList())));
                } else {
                    fetch(request.source(), missing).whenComplete((done, error) -> reply.send(error == null
                        ? RemoteCall.encodeResult("")
                        : RemoteCall.encodeFailure(new MobulaException("cannot fetch job " + request.id() + "'s jars from "
                            + request.source() + ": " + error.getMessage(), error))));
                }
            }
            case JobMessages.JAR_PIECE -> {
                JobMessages.JarPiece piece = JobMessages.decodeJarPiece(payload);
                jobs.putPiece(piece.sha256(), piece.size(), piece.offset(), piece.bytes());
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            }
            case JobMessages.JAR_READ -> {
                JobMessages.JarRead read = JobMessages.decodeJarRead(payload);
                reply.send(RemoteCall.encodeResult(jobs.readPiece(read.sha256(), read.offset(), read.length())));
            }
            default -> throw new IOException("not a job message");
        }
    }

    /** Fetches {@code missing} jars from the node at {@code source}, piece by piece, one after another. */
    private CompletableFuture<Void> fetch(String source, List<JobClassPaths.Jar> missing) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (JobClassPaths.Jar jar : missing) {
            chain = chain.thenCompose(v -> peers.readInPieces(source, jar.size(), JobMessages.PIECE_BYTES,
                (offset, length) -> JobMessages.jarRead(jar.sha256(), offset, length),
                (offset, piece) -> jobs.putPiece(jar.sha256(), jar.size(), offset, piece), "reading jar " + jar.sha256()));
        }
        return chain;
    }

    private void killActor(RemoteCall.Call call, AuthServer.Reply reply) {
        ActorRecord actor = actors.remove(call.actorId());
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
    private byte[] answerFor(String what, ObjectRef<?> result, io.mobula.store.codec.ValueCodec codec, boolean keep) {
        try {
            // one with refs nested inside is written anew (below), so that its refs are lent
            if (RuntimeAccess.entryOf(result).stored() instanceof io.mobula.runtime.StoredValues.InStore inStore
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

    /** This node as placement sees it: read from the runtime, not through its status text (placement runs per task). */
    NodeInfo self() {
        return new NodeInfo(runtime.nodeId(), address, PID, head, true, totals, runtime.availableResources());
    }

    private static final long PID = ProcessHandle.current().pid();

    /** This node's status, with the results it keeps for owners elsewhere. */
    NodeStatus selfStatus() {
        NodeStatus status = NodeDaemon.status(runtime, address, head);
        status.fields().put("store.kept", Integer.toString(objects.heldCount()));
        status.fields().put("store.lent", Integer.toString(lends.count()));
        status.fields().put(OBJECT_MANAGER_FIELD, objectManager.address());
        status.fields().put("wire.errors", Long.toString(io.mobula.transport.WireErrors.count()));
        return status;
    }

    /** This node's status, then every other node this node knows of. */
    private byte[] clusterStatus() {
        NodeStatus self = selfStatus();
        if (tables != null) {
            return tables.clusterStatus(self);
        }
        List<NodeStatus> statuses = new ArrayList<>();
        statuses.add(self);
        for (NodeStatus other : view.statuses()) {
            if (!other.get("id").equals(self.get("id"))) {
                statuses.add(other);
            }
        }
        return NodeStatus.encodeAll(statuses);
    }
}
