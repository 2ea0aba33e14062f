package io.mobula.cluster.placement;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.mobula.InfeasibleResourcesException;
import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;
import io.mobula.runtime.BundlePlacement;
import io.mobula.runtime.NodeRuntime;
import io.mobula.cluster.control.ControlService;
import io.mobula.cluster.control.HeadTables;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.GroupMessages;
import io.mobula.cluster.wire.RemoteCall;

/**
 * The head's placement groups: it lays a group's bundles over the nodes by their free resources
 * ({@link BundlePlacement}), asks each chosen node to reserve its bundle, and records the group as
 * placed only once every reservation holds; if any does not (the view was stale, or the node is
 * gone), the others are released and it tries again shortly. So a group is reserved all at once or
 * not at all. Creations, placements and removals go to the control log, so a restarted head knows
 * where its groups are.
 * <p>
 * A bundle whose node died (or that no one has heard of for a while: the node was the head before
 * it restarted) is placed again, on its own, the group's other bundles staying where they are:
 * work for the group waits meanwhile, and work that was running there fails over as its owner
 * retries it.
 */
public final class GroupScheduler implements AutoCloseable {
    private static final long RESERVE_WAIT_MS = 2_000;
    private static final long RETRY_MS = 500;
    /** How often placed groups are checked for bundles on nodes that are gone. */
    private static final long SWEEP_MS = 1_000;
    /** How long a bundle's node may be unheard of (not alive, not declared dead) before its bundle is placed again. */
    private static final long UNKNOWN_GRACE_MS = 10_000;

    private final HeadTables tables;
    private final NodeRuntime runtime;
    private final Supplier<NodeInfo> self;
    private final ClusterView view;
    private final PeerSessions peers;
    /** Each group's bundle places ({@code id@address}, in bundle order), once placed. */
    private final Map<String, CompletableFuture<List<String>>> placed = new ConcurrentHashMap<>();
    /** Nodes of bundles that no one has heard of, by when first seen so; timer thread only. */
    private final Map<String, Long> unheardSince = new java.util.HashMap<>();
    /** Groups whose lost bundles are being placed again. */
    private final java.util.Set<String> replacing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mobula-placement-groups");
        t.setDaemon(true);
        return t;
    });

    public GroupScheduler(HeadTables tables, NodeRuntime runtime, Supplier<NodeInfo> self, ClusterView view, PeerSessions peers) {
        this.tables = tables;
        this.runtime = runtime;
        this.self = self;
        this.view = view;
        this.peers = peers;
        for (ControlService.Group group : tables.groups()) { // a restarted head: its groups as its log left them
            CompletableFuture<List<String>> future = placed.computeIfAbsent(group.id(), id -> new CompletableFuture<>());
            if (group.placed()) { // a bundle the head before this one held is placed again when work asks for it
                future.complete(List.of(group.nodes().split("\\|")));
            } else {
                timer.execute(() -> tryPlace(group.id()));
            }
        }
        timer.scheduleWithFixedDelay(this::placeLostBundlesAgain, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /** Places again every placed group's bundles whose node is gone. */
    private void placeLostBundlesAgain() {
        try {
            sweep(System.currentTimeMillis());
        } catch (RuntimeException e) { // a scheduled task that throws is never run again: this one must go on
            System.err.println("mobula: placing lost placement group bundles again failed this time: " + e);
        }
    }

    private void sweep(long now) {
        for (ControlService.Group group : tables.groups()) {
            if (!group.placed() || replacing.contains(group.id())) {
                continue;
            }
            String[] places = group.nodes().split("\\|");
            List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < places.length; i++) {
                if (gone(places[i], now)) {
                    lost.add(i);
                }
            }
            if (!lost.isEmpty()) {
                placeAgain(group, places, lost);
            }
        }
    }

    /** Whether the node of {@code place} is dead, or unheard of for {@link #UNKNOWN_GRACE_MS}. */
    private boolean gone(String place, long now) {
        String nodeId = nodeOf(place);
        if (lost(place)) {
            return true;
        }
        if (nodeId.equals(self.get().id()) || view.alive(nodeId)) {
            unheardSince.remove(nodeId);
            return false;
        }
        return now - unheardSince.computeIfAbsent(nodeId, id -> now) >= UNKNOWN_GRACE_MS;
    }

    /**
     * Whether the node of {@code place} ({@code id@address}) is known to be gone: declared dead, or
     * the head before this one (its address, another id: a head restarted does not hold its bundles).
     */
    private boolean lost(String place) {
        String nodeId = nodeOf(place);
        NodeInfo me = self.get();
        return view.dead(nodeId) || (addressOf(place).equals(me.address()) && !nodeId.equals(me.id()));
    }

    private boolean anyLost(String places) {
        for (String place : places.split("\\|")) {
            if (lost(place)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reserves the {@code lost} bundles of a group on nodes alive now and records the group's new
     * places; work for the group waits until then. Not possible now: the next sweep tries again.
     */
    private void placeAgain(ControlService.Group group, String[] places, List<Integer> lost) {
        String id = group.id();
        List<Map<String, Double>> bundles;
        try {
            bundles = GroupMessages.decodeBundles(group.bundles());
        } catch (IOException e) {
            return;
        }
        placed.computeIfPresent(id, (k, future) -> future.isDone() ? new CompletableFuture<>() : future); // work waits
        PlacementStrategy strategy = PlacementStrategy.valueOf(group.strategy());
        List<NodeInfo> candidates = cluster();
        if (strategy == PlacementStrategy.STRICT_SPREAD) { // not beside a bundle that stayed
            java.util.Set<String> holding = new java.util.HashSet<>();
            for (int i = 0; i < places.length; i++) {
                if (!lost.contains(i)) {
                    holding.add(nodeOf(places[i]));
                }
            }
            candidates.removeIf(node -> holding.contains(node.id()));
        }
        List<Map<String, Double>> wanted = lost.stream().map(bundles::get).toList();
        List<NodeInfo> nodes = BundlePlacement.assign(strategy, wanted, candidates, false);
        if (nodes == null) {
            return; // no room now
        }
        replacing.add(id);
        for (int index : lost) { // a node only unheard of may still hold its bundle: let it go (first, on its session)
            if (!view.dead(nodeOf(places[index]))) {
                release(addressOf(places[index]), id, index);
            }
        }
        reserveAll(id, lost, wanted, nodes, places.clone()).whenComplete((done, error) -> replacing.remove(id));
    }

    /**
     * Records a group and starts placing it.
     *
     * @throws InfeasibleResourcesException if the cluster's nodes could never hold it.
     */
    public void create(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        if (BundlePlacement.assign(strategy, bundles, cluster(), true) == null) {
            throw new InfeasibleResourcesException("placement group " + id + " (" + strategy + ", bundles " + bundles
                + ") could never be placed on this cluster's nodes (" + describe(cluster()) + "); ask for less, or add nodes");
        }
        placed.computeIfAbsent(id, k -> new CompletableFuture<>());
        tables.record(ControlService.Command.GROUP_CREATE, Map.of("id", id, "strategy", strategy.name(),
            "bundles", GroupMessages.encodeBundles(bundles)));
        timer.execute(() -> tryPlace(id));
    }

    /**
     * Completes with each bundle's place ({@code id@address}) once the group is placed; while a
     * bundle's node is gone, once it is placed again.
     */
    public CompletableFuture<List<String>> whenPlaced(String id) {
        CompletableFuture<List<String>> future = placed.get(id);
        if (future != null && future.isDone() && !future.isCompletedExceptionally() && anyLost(String.join("|", future.join()))) {
            future = placed.computeIfPresent(id, (k, done) -> done.isDone() ? new CompletableFuture<>() : done); // work waits
            timer.execute(this::placeLostBundlesAgain);
        }
        return future != null ? future
            : CompletableFuture.failedFuture(new MobulaException("placement group " + id + " is not known to the head "
                + "(it was removed, or never made)"));
    }

    public void remove(String id) {
        ControlService.Group group = tables.group(id);
        if (group == null) {
            return;
        }
        tables.record(ControlService.Command.GROUP_REMOVE, Map.of("id", id));
        CompletableFuture<List<String>> future = placed.remove(id);
        if (future != null) {
            future.completeExceptionally(new MobulaException("placement group " + id + " was removed"));
        }
        if (group.placed()) {
            String[] places = group.nodes().split("\\|");
            for (int i = 0; i < places.length; i++) {
                release(addressOf(places[i]), id, i);
            }
        }
    }

    private void tryPlace(String id) {
        ControlService.Group group = tables.group(id);
        if (group == null || group.placed()) {
            return;
        }
        List<Map<String, Double>> bundles;
        try {
            bundles = GroupMessages.decodeBundles(group.bundles());
        } catch (IOException e) {
            return; // not written by this head: nothing to place
        }
        List<NodeInfo> nodes = BundlePlacement.assign(PlacementStrategy.valueOf(group.strategy()), bundles, cluster(), false);
        if (nodes == null) {
            timer.schedule(() -> tryPlace(id), RETRY_MS, TimeUnit.MILLISECONDS); // not now: when resources free up
            return;
        }
        String[] places = new String[bundles.size()];
        List<Integer> all = java.util.stream.IntStream.range(0, bundles.size()).boxed().toList();
        reserveAll(id, all, bundles, nodes, places).thenAccept(placedNow -> {
            if (!placedNow && tables.group(id) != null) {
                timer.schedule(() -> tryPlace(id), RETRY_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Reserves bundles {@code indexes} of group {@code id} ({@code wanted}, in that order) on
     * {@code nodes}, one each; once every reservation holds, records {@code places} (with theirs
     * filled in) as the group's and completes its future; else lets go of those that held.
     * Completes with whether the group was placed.
     */
    private CompletableFuture<Boolean> reserveAll(String id, List<Integer> indexes, List<Map<String, Double>> wanted,
                                                  List<NodeInfo> nodes, String[] places) {
        List<CompletableFuture<Boolean>> reservations = new ArrayList<>();
        for (int i = 0; i < indexes.size(); i++) {
            reservations.add(reserve(nodes.get(i), id, indexes.get(i), wanted.get(i)));
            places[indexes.get(i)] = nodes.get(i).id() + "@" + nodes.get(i).address();
        }
        return CompletableFuture.allOf(reservations.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            boolean all = reservations.stream().allMatch(r -> !r.isCompletedExceptionally() && r.join());
            if (all && tables.record(ControlService.Command.GROUP_PLACED, Map.of("id", id, "nodes", String.join("|", places)))) {
                CompletableFuture<List<String>> future = placed.get(id);
                if (future != null) {
                    future.complete(List.of(places));
                }
                return true;
            }
            for (int i = 0; i < reservations.size(); i++) {
                if (!reservations.get(i).isCompletedExceptionally() && reservations.get(i).join()) {
                    release(nodes.get(i).address(), id, indexes.get(i));
                }
            }
            return false;
        });
    }

    private CompletableFuture<Boolean> reserve(NodeInfo node, String id, int index, Map<String, Double> resources) {
        if (node.id().equals(self.get().id())) {
            return reserveHere(runtime, id, index, resources, RESERVE_WAIT_MS);
        }
        return peers.send(node.address(), GroupMessages.reserve(id, index, resources, RESERVE_WAIT_MS)).thenApply(answer -> {
            try {
                return Boolean.TRUE.equals(RemoteCall.decodeAnswer(answer, "reserving a bundle"));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }

    /** Reserves a bundle on this node; not held within {@code waitMs}, it is freed and the answer is false. */
    public static CompletableFuture<Boolean> reserveHere(NodeRuntime runtime, String id, int index, Map<String, Double> resources,
                                                  long waitMs) {
        return runtime.bundles().reserve(id, index, resources).thenApply(v -> true)
            .completeOnTimeout(false, waitMs, TimeUnit.MILLISECONDS)
            .exceptionally(error -> false)
            .thenApply(held -> {
                if (!held) {
                    runtime.bundles().release(id, index);
                }
                return held;
            });
    }

    private void release(String address, String id, int index) {
        if (address.equals(self.get().address())) {
            runtime.bundles().release(id, index);
        } else {
            peers.send(address, GroupMessages.release(id, index));
        }
    }

    /** The node id of a bundle's place ({@code id@address}). */
    public static String nodeOf(String place) {
        return place.substring(0, place.indexOf('@'));
    }

    /** The address of a bundle's place ({@code id@address}). */
    public static String addressOf(String place) {
        return place.substring(place.indexOf('@') + 1);
    }

    private List<NodeInfo> cluster() {
        NodeInfo me = self.get();
        List<NodeInfo> nodes = new ArrayList<>(view.peers(me.id()));
        nodes.add(me);
        return nodes;
    }

    private static String describe(List<NodeInfo> nodes) {
        Map<String, Map<String, Double>> totals = new LinkedHashMap<>();
        for (NodeInfo node : nodes) {
            totals.put(node.id(), node.totalResources());
        }
        return totals.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
