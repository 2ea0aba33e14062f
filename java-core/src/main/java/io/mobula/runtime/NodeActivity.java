package io.mobula.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a node is doing, counted as it happens for {@code mobula status}: tasks submitted and not
 * finished, tasks running now, and actors built again here.
 */
public final class NodeActivity {
    private final AtomicLong unfinished = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong actorRestarts = new AtomicLong();

    /**
     * What a node was doing at one moment.
     *
     * @param tasksQueued   waiting for arguments or resources.
     * @param actorRestarts built again here (after an Error, a worker process's death, or elsewhere their node's).
     */
    public record Snapshot(long tasksRunning, long tasksQueued, long actorsAlive, long actorRestarts) {
    }

    /** A task was submitted; it counts until its result is ready. */
    void taskSubmitted(ObjectEntry result) {
        unfinished.incrementAndGet();
        result.whenReady(unfinished::decrementAndGet);
    }

    void taskStarted() {
        running.incrementAndGet();
    }

    void taskEnded() {
        running.decrementAndGet();
    }

    void actorRestarted() {
        actorRestarts.incrementAndGet();
    }

    Snapshot snapshot(long actorsAlive) {
        long runningNow = running.get();
        return new Snapshot(runningNow, Math.max(0, unfinished.get() - runningNow), actorsAlive, actorRestarts.get());
    }
}
