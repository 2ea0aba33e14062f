package io.mobula.cluster.objects;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.mobula.cluster.objects.NodeConnections.NodeRequestException;
import io.mobula.cluster.objects.PullProtocol.Answer;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectExistsException;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreException;
import io.mobula.transport.MalformedMessageException;

/**
 * The pulling half of a node's object manager: brings an object from nodes that hold it into this
 * node's store, once however many callers ask for it at the same time.
 * <p>
 * One pull, on a virtual thread of its own (it waits on the network, holding nothing else):
 * <ol>
 *   <li>LOCATE the object at the candidate nodes, in order, until one has it (size and kind);</li>
 *   <li>create the object in the store at that size and announce the transfer to the receiver,
 *       so chunks land straight in the object's memory;</li>
 *   <li>SEND: ask candidates to send it. ACCEPTED: wait for the last byte, the receiver seals.
 *       REDIRECT: the named holders go to the front of the candidates. A busy server holds the
 *       answer back until it can send or redirect; BUSY (it could do neither for a while) everywhere:
 *       wait (1 ms, doubling to 5 ms) and ask again, up to the transfer timeout;</li>
 *   <li>DONE to the sender, naming this node, which becomes a holder the sender redirects to.</li>
 * </ol>
 * A SEND that gets no answer may still have been accepted, so the attempt is abandoned whole: the
 * object is aborted and the transfer id retired (any chunks of it are refused), and the pull starts
 * over with a fresh one, without that node. Two senders can thus never write one transfer.
 */
final class ObjectPuller implements AutoCloseable {
    private static final long FIRST_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * A BUSY answer comes only after the server held the SEND back for half the request timeout
     * (see {@link SendAdmission}), so asking again soon is no load on it.
     */
    private static final long MAX_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ObjectStore store;
    private final String selfAddress;
    private final NodeConnections nodes;
    private final InboundTransfers inbound;
    private final long transferTimeoutNs;
    private final Map<ObjectId, Pull> pulls = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mobula-pull-", 0).factory());
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong transfersStarted = new AtomicLong();
    private final AtomicLong transfersCompleted = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private volatile boolean closed;

    /** One object on its way here, and everyone waiting for it. */
    private static final class Pull {
        final ObjectId id;
        final CompletableFuture<Void> sealed = new CompletableFuture<>();
        private final List<String> candidates = new ArrayList<>();

        Pull(ObjectId id) {
            this.id = id;
        }

        synchronized void addLast(List<String> nodes) {
            for (String node : nodes) {
                if (!candidates.contains(node)) {
                    candidates.add(node);
                }
            }
        }

        /** @return true if any of {@code nodes} was new. */
        synchronized boolean addFirst(List<String> nodes) {
            boolean fresh = false;
            for (String node : nodes.reversed()) {
                fresh |= !candidates.contains(node);
                candidates.remove(node);
                candidates.addFirst(node);
            }
            return fresh;
        }

        synchronized List<String> snapshot() {
            return List.copyOf(candidates);
        }
    }

    /** The SEND round met a node whose answer is unknown: start over with a fresh transfer. */
    private static final class UncertainSend extends Exception {
        UncertainSend(String node, NodeRequestException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    ObjectPuller(ObjectStore store, String selfAddress, NodeConnections nodes, InboundTransfers inbound, long transferTimeoutNs) {
        this.store = store;
        this.selfAddress = selfAddress;
        this.nodes = nodes;
        this.inbound = inbound;
        this.transferTimeoutNs = transferTimeoutNs;
    }

    /** Object managers of nodes declared dead: not asked (each would cost a request timeout) until said alive again. */
    private final java.util.Set<String> gone = ConcurrentHashMap.newKeySet();

    /** The object manager at {@code address} is gone (its node was declared dead). */
    void gone(String address) {
        gone.add(address);
    }

    /**
     * The object manager at {@code address} serves a live node: asked again. A node declared dead
     * while it lived (fenced) joins again under a new id, keeping its object manager and its address.
     */
    void alive(String address) {
        gone.remove(address);
    }

    CompletableFuture<ObjectView> pull(ObjectId id, List<String> sources) {
        if (closed) {
            return CompletableFuture.failedFuture(new ObjectTransferException(id, "the object manager is closed"));
        }
        ObjectView local = store.get(id, 0);
        if (local != null) {
            return CompletableFuture.completedFuture(local);
        }
        List<String> others = sources.stream().filter(s -> !s.equals(selfAddress)).toList();
        if (others.isEmpty()) { // the only source named is this node, which does not hold it
            return CompletableFuture.failedFuture(new ObjectNotFoundException(id, sources));
        }
        Pull fresh = new Pull(id);
        Pull pull = pulls.putIfAbsent(id, fresh);
        if (pull == null) {
            pull = fresh;
            fresh.addLast(others);
            workers.execute(() -> run(fresh));
        } else {
            pull.addLast(others);
        }
        return pull.sealed.thenApply(sealed -> pin(id));
    }

    private ObjectView pin(ObjectId id) {
        ObjectView view = store.get(id, 0);
        if (view == null) {
            throw new ObjectTransferException(id, "object " + id + " was pulled here but deleted before this caller could pin it");
        }
        return view;
    }

    /**
     * Runs a pull. It leaves the table of pulls before its callers hear the outcome: a caller may
     * use the object and delete it within that call, and a later pull of the id must then start
     * afresh instead of joining this finished one (whose object is gone).
     */
    private void run(Pull pull) {
        Throwable failure = null;
        try {
            transfer(pull);
        } catch (ObjectTransferException | StoreException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new ObjectTransferException(pull.id, "pulling object " + pull.id + " failed: " + e, e);
        } finally {
            pulls.remove(pull.id, pull);
        }
        if (failure == null) {
            pull.sealed.complete(null);
        } else {
            pull.sealed.completeExceptionally(failure);
        }
    }

    private void transfer(Pull pull) {
        long deadline = System.nanoTime() + transferTimeoutNs;
        Set<String> failed = new HashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        while (true) {
            if (store.contains(pull.id)) {
                return;
            }
            Answer found = locate(pull, failed, failures);
            ObjectBuilder builder;
            try {
                builder = store.create(pull.id, found.size(), found.kind());
            } catch (ObjectExistsException e) { // made or pulled here by someone else meanwhile: wait for its seal
                awaitLocal(pull.id, deadline);
                return;
            }
            long transferId = random.nextLong();
            CompletableFuture<Void> sealed = inbound.expect(transferId, builder);
            String source;
            try {
                source = admit(pull, transferId, deadline, failed, failures);
            } catch (UncertainSend e) {
                inbound.cancel(transferId);
                awaitSettled(sealed);
                continue;
            } catch (RuntimeException e) {
                inbound.cancel(transferId);
                awaitSettled(sealed);
                throw e;
            }
            transfersStarted.incrementAndGet();
            try {
                if (!awaitSeal(sealed, source, deadline)) { // the source died mid-transfer: try the others
                    inbound.cancel(transferId);
                    if (!awaitSettled(sealed)) {
                        failed.add(source);
                        failures.put(source, "node " + source + " died while sending it");
                        continue;
                    }
                }
            } catch (TimeoutException e) {
                inbound.cancel(transferId);
                if (!awaitSettled(sealed)) { // else it sealed just as the time ran out
                    nodes.tell(source, PullProtocol.done(pull.id, transferId, null));
                    throw new ObjectTransferException(pull.id, "object " + pull.id + " did not arrive from node " + source
                        + " within " + TimeUnit.NANOSECONDS.toMillis(transferTimeoutNs) + " ms", e);
                }
            } catch (ExecutionException e) {
                nodes.tell(source, PullProtocol.done(pull.id, transferId, null));
                throw new ObjectTransferException(pull.id, "object " + pull.id + " from node " + source + " could not be sealed: "
                    + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                inbound.cancel(transferId);
                throw new ObjectTransferException(pull.id, "interrupted while pulling object " + pull.id, e);
            }
            transfersCompleted.incrementAndGet();
            bytesReceived.addAndGet(found.size());
            nodes.tell(source, PullProtocol.done(pull.id, transferId, selfAddress));
            return;
        }
    }

    /**
     * Waits for a transfer's seal until {@code deadline}, watching its source: false as soon as the
     * source's node is declared dead (its chunks will not come; the transfer timeout is minutes).
     */
    private boolean awaitSeal(CompletableFuture<Void> sealed, String source, long deadline)
        throws TimeoutException, ExecutionException, InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            try {
                sealed.get(Math.min(left, SOURCE_CHECK_NS), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                if (gone.contains(source)) {
                    return false;
                }
            }
        }
    }

    /** How often a transfer in progress looks whether its source died. */
    private static final long SOURCE_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private Answer locate(Pull pull, Set<String> failed, Map<String, String> failures) {
        List<String> missing = new ArrayList<>();
        Throwable cause = null;
        for (String node : pull.snapshot()) {
            if (failed.contains(node) || gone.contains(node)) {
                continue;
            }
            try {
                Answer answer = PullProtocol.readAnswer(nodes.request(node, PullProtocol.locate(pull.id)));
                if (answer.type() == PullProtocol.FOUND) {
                    return answer;
                }
                if (answer.type() == PullProtocol.MISSING) {
                    missing.add(node);
                } else {
                    failed.add(node);
                    failures.put(node, "answered a LOCATE with message type " + answer.type());
                }
            } catch (NodeRequestException e) {
                failed.add(node);
                failures.put(node, e.getMessage());
                cause = e.getCause();
            } catch (MalformedMessageException e) {
                failed.add(node);
                failures.put(node, "sent a malformed answer (" + e.getMessage() + ")");
            }
        }
        throw notPulled(pull.id, missing, failures, cause);
    }

    /** @return the node that accepted to send the object. */
    private String admit(Pull pull, long transferId, long deadline, Set<String> failed, Map<String, String> failures)
        throws UncertainSend {
        byte[] request = PullProtocol.send(pull.id, transferId, selfAddress);
        Set<String> missing = new HashSet<>();
        long backoffNs = FIRST_BACKOFF_NS;
        while (true) {
            boolean redirected = false;
            boolean anyBusy = false;
            List<String> candidates = pull.snapshot();
            for (String node : candidates) {
                if (failed.contains(node) || missing.contains(node) || node.equals(selfAddress) || gone.contains(node)) {
                    continue;
                }
                Answer answer;
                try {
                    answer = PullProtocol.readAnswer(nodes.request(node, request));
                } catch (NodeRequestException e) {
                    failed.add(node);
                    failures.put(node, e.getMessage());
                    throw new UncertainSend(node, e);
                } catch (MalformedMessageException e) {
                    failed.add(node);
                    failures.put(node, "sent a malformed answer (" + e.getMessage() + ")");
                    continue;
                }
                switch (answer.type()) {
                    case PullProtocol.ACCEPTED -> {
                        return node;
                    }
                    case PullProtocol.MISSING -> missing.add(node);
                    case PullProtocol.BUSY -> anyBusy = true;
                    case PullProtocol.REDIRECT -> {
                        anyBusy = true;
                        redirected = pull.addFirst(answer.holders().stream().filter(h -> !h.equals(selfAddress)).toList());
                    }
                    default -> {
                        failed.add(node);
                        failures.put(node, "answered a SEND with message type " + answer.type());
                    }
                }
                if (redirected) {
                    break; // ask the new holders first, at once
                }
            }
            if (redirected) {
                continue;
            }
            if (!anyBusy) {
                throw notPulled(pull.id, List.copyOf(missing), failures, null);
            }
            if (System.nanoTime() + backoffNs > deadline) {
                throw new ObjectTransferException(pull.id, "no node sent object " + pull.id + " within "
                    + TimeUnit.NANOSECONDS.toMillis(transferTimeoutNs) + " ms: " + candidates + " stayed busy");
            }
            LockSupport.parkNanos(backoffNs);
            backoffNs = Math.min(MAX_BACKOFF_NS, backoffNs * 2);
        }
    }

    private static ObjectTransferException notPulled(ObjectId id, List<String> missing, Map<String, String> failures, Throwable cause) {
        if (failures.isEmpty()) {
            return new ObjectNotFoundException(id, missing);
        }
        StringBuilder why = new StringBuilder("could not pull object " + id + ":");
        failures.forEach((node, reason) -> why.append(' ').append(reason.startsWith("node ") || reason.contains(node)
            ? reason : "node " + node + " " + reason).append(';'));
        if (!missing.isEmpty()) {
            why.append(" not on ").append(String.join(", ", missing)).append(';');
        }
        return new ObjectTransferException(id, why.substring(0, why.length() - 1), cause);
    }

    /** Waits for the receiver to settle a cancelled transfer: sealed after all (true), or aborted. */
    private static boolean awaitSettled(CompletableFuture<Void> sealed) {
        try {
            sealed.get(10, TimeUnit.SECONDS); // the receiver's agent settles it on its next duty cycle
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitLocal(ObjectId id, long deadline) {
        ObjectView view = store.get(id, Math.max(0, deadline - System.nanoTime()));
        if (view == null) {
            throw new ObjectTransferException(id, "object " + id + " is being written here by someone else and was not sealed "
                + "within the transfer timeout");
        }
        view.close();
    }

    long transfersStarted() {
        return transfersStarted.get();
    }

    long transfersCompleted() {
        return transfersCompleted.get();
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        for (Pull pull : pulls.values()) {
            pull.sealed.completeExceptionally(new ObjectTransferException(pull.id, "the object manager closed while pulling "
                + pull.id));
        }
        try { // so no pull announces a transfer after the receiver has let go of the ones it had
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
