package io.mobula.cluster.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.MobulaException;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.jobs.JobNotKnownException;
import io.mobula.cluster.wire.JobMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.runtime.NodeRuntime;
import io.mobula.transport.AuthServer;

/**
 * A node's side of job class paths crossing the cluster ({@link JobMessages}): a job registered
 * here (by a driver, or by a node passing on its work) and the jars it lacks fetched or pushed in
 * pieces; and the peers this node sends work to told of a job once, before its first work goes there.
 */
final class JobHandler {
    private final NodeRuntime runtime;
    private final String address;
    private final PeerSessions peers;
    private final JobClassPaths jobs;
    /** The jobs each peer has been told of (by "address job"): told once, before the first work of the job sent there. */
    private final Map<String, CompletableFuture<Void>> jobsTold = new ConcurrentHashMap<>();

    JobHandler(NodeRuntime runtime, String address, PeerSessions peers, JobClassPaths jobs) {
        this.runtime = runtime;
        this.address = address;
        this.peers = peers;
        this.jobs = jobs;
    }

    /** The node at {@code peerAddress} died: a node there later must be told anew. */
    void peerDied(String peerAddress) {
        jobsTold.keySet().removeIf(told -> told.startsWith(peerAddress + " "));
    }

    /** Tells the node at {@code peer} of a job before work of it goes there; it fetches the jars it lacks from here. */
    CompletableFuture<Void> tell(String peer, String job) {
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
                    throw new UncheckedIOException(e);
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

    void onJobMessage(byte[] payload, AuthServer.Reply reply) throws IOException {
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
}
