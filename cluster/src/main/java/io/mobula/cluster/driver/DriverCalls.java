package io.mobula.cluster.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.ObjectLostException;
import io.mobula.TaskCancelledException;
import io.mobula.cluster.jobs.JobNotKnownException;
import io.mobula.cluster.ownership.Lineage;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.runtime.RetryPolicy;
import io.mobula.runtime.ClusterLink.Completion;
import io.mobula.runtime.TaskSpec;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AuthenticationException;
import io.mobula.transport.ServerGoneException;

/**
 * How a connected driver's calls go to nodes and come back: sent and waited for, or sent without
 * waiting and answered on the session's reader thread; a result kept on a node held with its
 * lineage ({@link DriverObjects}); a node that lost the job told it again; a call whose arguments
 * were lost with their node sent again once they are made again; a result lost with its node made
 * again ({@link #rerun}).
 */
final class DriverCalls {
    /** A task may run long: the node answers when it is done. A node that dies mid-call is noticed after this. */
    static final Duration CALL_TIMEOUT = Duration.ofHours(1);
    /**
     * Calls sent and not yet answered, at most: a thread sending more waits for answers. Bounds what a
     * burst holds in flight (the calls' payloads, the node's queue) without one thread per call.
     */
    static final int MAX_IN_FLIGHT = 8192;
    /** Longer than a head's default dead-after time (5 s) and a view refresh. */
    private static final long HOLDER_DEATH_WAIT_MS = 15_000;
    /** How many times a call is sent again because arguments it took were lost and rebuilt. */
    private static final int ARGUMENT_REBUILD_ROUNDS = 5;
    /**
     * The round of a call that is never sent again (a streaming generator: its values so far are out
     * already, read by the reads that follow the call, which end with the failure instead).
     */
    static final int NEVER_AGAIN = ARGUMENT_REBUILD_ROUNDS;

    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    /** Where each call in flight was sent, by its task id: where its cancel goes. */
    private final Map<ObjectId, String> sentTo = new ConcurrentHashMap<>();
    private final PeerSessions sessions;
    /** The node the driver is connected to, which places its work. */
    private final String address;
    /** The job's class path id, named in every call ("" when it ships no jars). */
    private final String job;
    /** The driver's job id (its runtime's), sent with every call: the work's runtime context names it. */
    private volatile long jobId;
    /** The job's jars, registered again with a node that lost the job (a head restarted under this driver). */
    private final List<Path> jars;
    /** The driver's classes' codec, refs nested in values crossing through its lending. */
    private final ValueCodec codec;
    private final DriverClusterWatch watch;
    private final DriverObjects objects;
    /** Rebuilds lost arguments and sends their calls again, off the session readers' threads. */
    private final ExecutorService recovery;

    DriverCalls(PeerSessions sessions, String address, String job, List<Path> jars, ValueCodec codec, DriverClusterWatch watch,
                DriverObjects objects, ExecutorService recovery) {
        this.sessions = sessions;
        this.address = address;
        this.job = job;
        this.jars = jars;
        this.codec = codec;
        this.watch = watch;
        this.objects = objects;
        this.recovery = recovery;
    }

    /**
     * Runs the task of {@code lineage} again, its lost arguments rebuilt first: the new result's
     * place, or the value itself when it came back small.
     *
     * @throws ObjectLostException if it cannot be made again.
     */
    Object rerun(Lineage lineage) {
        TaskSpec task = lineage.task();
        FunctionDescriptor f = task.descriptor();
        for (int round = 0; ; round++) {
            RemoteCall.Call call = null;
            try {
                NodeArguments.rebuildLost(lineage.args());
                call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
                    task.strategy(), task.isolated(), lineage.args(), codec);
                return answerOf(address, call, task);
            } catch (Exception e) {
                watch.refreshQuietly();
                if (call != null && NodeArguments.movedSince(call, lineage.args()) && round + 1 < ARGUMENT_REBUILD_ROUNDS) {
                    continue; // sent with an argument's old place: send it as it is now
                }
                if (NodeArguments.unavailable(e)) {
                    try {
                        watch.awaitHolderDeath(lineage.args(), HOLDER_DEATH_WAIT_MS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new ObjectLostException("interrupted while making a result of " + task.displayName()
                            + " again", interrupted);
                    }
                }
                boolean again = RetryPolicy.systemFailure(e) || watch.anyGone(lineage.args());
                if (!again || round + 1 >= ARGUMENT_REBUILD_ROUNDS) {
                    throw new ObjectLostException("a result of " + task.displayName() + " was lost with its node and "
                        + "running " + task.displayName() + " again failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The job id of the driver's runtime, once it is made (before any call). */
    void jobId(long jobId) {
        this.jobId = jobId;
    }

    /**
     * Sends a call without waiting: its answer is decoded and handed to {@code done} on the session's
     * reader thread. Waits (interruptibly) only while {@link #MAX_IN_FLIGHT} calls are out already.
     * A call whose node could not fetch an argument living on another node is looked at off that
     * thread: if it was lost with its node, it is made again and the call sent again ({@code round}
     * counts these; {@link #NEVER_AGAIN}: it is not sent again).
     *
     * @return false if it was not sent ({@code done} heard why before this returned: it was cancelled).
     */
    boolean sendAsync(String node, RemoteCall.Call call, TaskSpec spec, Completion done, Object[] args, int round)
        throws InterruptedException {
        byte[] payload = payload(call, spec);
        inFlight.acquire();
        ObjectId id = spec.resultId();
        sentTo.put(id, node);
        if (spec.isCancelled()) { // a cancel that ran before the line above found nothing to send on: send nothing
            sentTo.remove(id, node);
            inFlight.release();
            done.complete(null, new TaskCancelledException(spec.displayName() + " was cancelled"));
            return false;
        }
        sessions.send(node, payload, (answer, failure) -> {
            sentTo.remove(id, node);
            inFlight.release();
            Object value;
            try {
                if (failure != null) { // died (a system failure: its owner retries), or could not be reached: dead if said so soon
                    onRecovery(done, new MobulaException("the call to the node at " + node + " failed: " + failure.getMessage(),
                        failure), () -> done.complete(null, unreachable(node, spec, failure)));
                    return;
                }
                // a large result stays where it was made
                value = objects.held(RemoteCall.decodeAnswer(answer, spec.displayName(), codec), spec, args);
            } catch (Exception e) {
                if (e instanceof JobNotKnownException && round < ARGUMENT_REBUILD_ROUNDS) {
                    onRecovery(done, e, () -> {
                        try {
                            registerJob(node);
                            sendAsync(node, call, spec, done, args, round + 1);
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                            done.complete(null, e);
                        } catch (RuntimeException again) {
                            done.complete(null, again);
                        }
                    });
                    return;
                }
                if (round < ARGUMENT_REBUILD_ROUNDS && NodeArguments.any(args) && NodeArguments.unavailable(e)) {
                    onRecovery(done, e, () -> retryWithArgumentsRebuilt(node, call, spec, done, args, round, e));
                } else {
                    done.complete(null, e);
                }
                return;
            }
            done.complete(value, null);
        });
        return true;
    }

    /**
     * Cancels a call in flight on the node it was sent to, without waiting; nothing for one not in
     * flight (answered, or not sent yet: {@link #sendAsync} then sees it cancelled and sends nothing).
     * The node passes the cancel on to the node it passed the call to, if it did.
     */
    void cancel(TaskSpec spec, boolean force, boolean recursive) {
        ObjectId id = spec.resultId();
        String node = sentTo.get(id);
        if (node != null) {
            sessions.send(node, RemoteCall.encodeCancel(new RemoteCall.Cancel(id, force, recursive)));
        }
    }

    /**
     * Runs {@code work} on the recovery threads (off a session's reader, which must not block); once
     * the driver is closing, completes {@code done} with {@code failure} instead.
     */
    private void onRecovery(Completion done, Exception failure, Runnable work) {
        try {
            recovery.execute(work);
        } catch (RejectedExecutionException closing) {
            done.complete(null, failure);
        }
    }

    /**
     * After a node could not fetch an argument of a call: the lost arguments made again and the call
     * sent again, or the failure as it was, with where its arguments live.
     */
    private void retryWithArgumentsRebuilt(String node, RemoteCall.Call call, TaskSpec spec, Completion done, Object[] args,
                                           int round, Exception failure) {
        try {
            watch.refreshQuietly();
            boolean moved = NodeArguments.movedSince(call, args);
            if (!moved) {
                watch.awaitHolderDeath(args, HOLDER_DEATH_WAIT_MS); // a holder that went silent may not be declared dead yet
            }
            if (!moved && !watch.anyGone(args)) {
                done.complete(null, new MobulaException(failure.getMessage() + " (the nodes holding its arguments were not "
                    + "declared dead: " + watch.holdersOf(args) + ")", failure));
                return;
            }
            NodeArguments.rebuildLost(args);
            sendAsync(node, call.withArgs(args, codec), spec, done, args, round + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.complete(null, failure);
        } catch (RuntimeException e) {
            done.complete(null, e);
        }
    }

    private byte[] payload(RemoteCall.Call call, TaskSpec spec) {
        byte[] payload = RemoteCall.encode(call.forJob(jobId)); // every call carries the driver's job
        if (payload.length > RemoteCall.MAX_BYTES) {
            throw new IllegalArgumentException("the arguments of " + spec.displayName() + " take " + payload.length
                + " bytes in the call itself; a call carries at most " + RemoteCall.MAX_BYTES + " (large values go to the "
                + "node's store on their own, but not those with refs nested inside, nor many smaller ones together); "
                + "put() them first and pass the refs");
        }
        return payload;
    }

    /** Sends a call and waits for its answer, decoded; a node that lost the job has it registered again first. */
    Object answerOf(String node, RemoteCall.Call call, TaskSpec spec) throws Exception {
        try {
            return RemoteCall.decodeAnswer(send(node, call, spec), spec.displayName(), codec);
        } catch (JobNotKnownException e) {
            registerJob(node);
            return RemoteCall.decodeAnswer(send(node, call, spec), spec.displayName(), codec);
        }
    }

    /**
     * Registers the job again with the node at {@code node}: it did not know it (a head restarted
     * under this driver, which registered the job only when it connected).
     */
    private void registerJob(String node) {
        try {
            JobUpload.register(sessions, node, jars);
        } catch (Exception e) {
            throw new MobulaException("job " + job + " was not known at the node at " + node + " (it restarted?) and "
                + "registering it again failed: " + e.getMessage(), e);
        }
    }

    private byte[] send(String node, RemoteCall.Call call, TaskSpec spec) throws Exception {
        byte[] payload = payload(call, spec);
        try {
            return sessions.send(node, payload).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(node, spec, e.getCause());
        }
    }

    /**
     * Why a call could not reach its node: {@link NodeDiedException} (a system failure,
     * retried) when the node died, also when the head declares it dead a little later (a node that
     * went silent fails the connection before its death is declared); otherwise the failure as it is.
     */
    MobulaException unreachable(String node, TaskSpec spec, Throwable failure) {
        boolean died = failure instanceof NodeDiedException || failure instanceof ServerGoneException;
        if (!died && failure instanceof AuthenticationException) { // no session: connecting failed
            try {
                died = watch.awaitDeathAt(node, HOLDER_DEATH_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (died) {
            return new NodeDiedException("the node at " + node + " died before answering " + spec.displayName() + ": "
                + failure.getMessage(), failure);
        }
        return new MobulaException("the call to the node at " + node + " failed: " + failure.getMessage(), failure);
    }
}
