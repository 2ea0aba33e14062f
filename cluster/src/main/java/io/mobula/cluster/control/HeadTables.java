package io.mobula.cluster.control;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.wire.NodeStatus;

/**
 * The head's side of membership: the {@link ControlService} behind its log (joins, leaves and
 * deaths; heartbeats are applied but not logged), fed by the commands joining nodes send, and a
 * timer that declares silent nodes dead. Requests arrive on the server's
 * agent thread and the timer runs on its own, so both go through this object's lock: the service
 * sees one command at a time, in log order.
 */
public final class HeadTables implements AutoCloseable {
    private final ControlService service = new ControlService();
    private final ControlLog log;
    private final long deadAfterMs;
    private final java.util.function.Consumer<java.util.List<NodeStatus>> onChange;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mobula-head-liveness");
        t.setDaemon(true);
        return t;
    });

    /**
     * Replays the log; no member is judged silent until {@link #serving()}.
     *
     * @param onChange told the members' statuses after every command (the head's {@link ClusterView}).
     */
    public HeadTables(Path logFile, long deadAfterMs, java.util.function.Consumer<java.util.List<NodeStatus>> onChange) {
        this.log = ControlLog.openAndReplay(logFile, service);
        this.deadAfterMs = deadAfterMs;
        this.onChange = onChange;
        onChange.accept(memberStatuses());
    }

    /**
     * The head answers from now on: the members of a replayed log get their dead-after time from
     * this moment to find it again, and silence is judged from here. Counting from the replay
     * instead charged the head's own start-up (its store, transport and object manager) to the
     * members, and a live node could be declared dead, and so fenced, by a head that was not yet
     * listening.
     */
    public synchronized void serving() {
        service.restartedAt(System.currentTimeMillis());
        timer.scheduleAtFixedRate(this::declareSilentDead, deadAfterMs / 4, deadAfterMs / 4, TimeUnit.MILLISECONDS);
    }

    /** Applies a command from a node (a ControlCommand message); answers {@code ok}, {@code fenced} or {@code error ...}. */
    public synchronized String command(byte[] payload) {
        try {
            ControlService.Command parsed = ControlCommands.decode(payload);
            Map<String, String> fields = new LinkedHashMap<>(parsed.fields());
            fields.put("time", Long.toString(System.currentTimeMillis())); // the head's clock, logged with the command
            ControlService.Command stamped = new ControlService.Command(parsed.verb(), parsed.nodeId(), fields);
            if (!stamped.verb().equals(ControlService.Command.HEARTBEAT)) {
                log.append(stamped); // heartbeats are soft state: a restarted head hears them again
            }
            boolean applied = service.apply(stamped);
            onChange.accept(memberStatuses());
            return applied ? "ok" : "fenced";
        } catch (IllegalArgumentException | io.mobula.transport.MalformedMessageException e) {
            return "error " + e.getMessage();
        }
    }

    /** Logs and applies a command the head makes itself (a placement group's life). @return whether it changed the tables. */
    public synchronized boolean record(String verb, Map<String, String> fields) {
        ControlService.Command command = new ControlService.Command(verb, 0, new LinkedHashMap<>(fields));
        log.append(command);
        return service.apply(command);
    }

    public synchronized ControlService.Group group(String id) {
        return service.group(id);
    }

    public synchronized ControlService.NamedActor namedActor(String namespace, String name) {
        return service.namedActor(namespace, name);
    }

    public synchronized java.util.List<ControlService.Group> groups() {
        return service.groups();
    }

    private synchronized void declareSilentDead() {
        long now = System.currentTimeMillis();
        for (long nodeId : service.silentSince(now - deadAfterMs)) {
            ControlService.Command dead = new ControlService.Command(ControlService.Command.DEAD, nodeId,
                Map.of("time", Long.toString(now)));
            log.append(dead);
            service.apply(dead);
            onChange.accept(memberStatuses());
        }
    }

    /** The head's own status, then each member's, as {@code ---}-separated blocks. */
    public synchronized byte[] clusterStatus(NodeStatus self) {
        java.util.List<NodeStatus> statuses = new java.util.ArrayList<>();
        statuses.add(self);
        statuses.addAll(memberStatuses());
        return NodeStatus.encodeAll(statuses);
    }

    /** Each member's last reported status, with whether it is alive. */
    private java.util.List<NodeStatus> memberStatuses() {
        java.util.List<NodeStatus> statuses = new java.util.ArrayList<>();
        for (ControlService.Member member : service.members()) {
            Map<String, String> fields = new LinkedHashMap<>(member.status());
            fields.put("alive", Boolean.toString(member.alive()));
            statuses.add(new NodeStatus(fields));
        }
        return statuses;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            log.close();
        }
    }
}
