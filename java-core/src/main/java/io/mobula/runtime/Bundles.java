package io.mobula.runtime;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import io.mobula.InfeasibleResourcesException;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.SchedulingStrategy;
import io.mobula.function.Func0;

/**
 * The placement-group bundles reserved on this node. A bundle's resources are held in the node's
 * ledger by a holder (an actor that does nothing and holds them for life), so the scheduler gives
 * them to nothing else; work scheduled into the bundle runs holding no resources of the ledger's
 * and is admitted here instead, while the bundle's own capacity allows (Ray's bundle resources,
 * without renaming the node's). A bundle that is released fails the work still waiting in it.
 */
public final class Bundles {
    /** Holds a bundle's resources; nothing runs on it. */
    static final class BundleHolder {
        BundleHolder() {
        }
    }

    private static final Func0<BundleHolder> HOLDER = BundleHolder::new;

    private final class Bundle {
        final String key;
        final ResourceVector capacity;
        final long[] used;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        final CompletableFuture<Void> placed = new CompletableFuture<>();
        ActorRecord holder;
        MobulaException released;

        Bundle(String key, ResourceVector capacity) {
            this.key = key;
            this.capacity = capacity;
            this.used = new long[capacity.size()];
        }
    }

    /**
     * Work waiting for room in a bundle. Work for any bundle of a group waits in each of them with one
     * shared {@code taken} flag: the first bundle with room claims it, the others drop it.
     */
    private record Waiting(ResourceVector request, Runnable start, Consumer<MobulaException> fail,
                           AtomicBoolean taken) {
        /** Under the bundle's lock: true once for the bundle that runs it. */
        boolean claim() {
            return taken == null || taken.compareAndSet(false, true);
        }

        /** Taken by another bundle of its group. */
        boolean stale() {
            return taken != null && taken.get();
        }
    }

    private final NodeRuntime runtime;
    private final Map<String, Bundle> bundles = new ConcurrentHashMap<>();

    Bundles(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    private static String key(String group, int index) {
        return group + "#" + index;
    }

    /**
     * Reserves bundle {@code index} of {@code group} here; completes once its resources are held
     * (at once if they are free, else when they free up). Reserving a bundle again returns the first
     * reservation's future.
     */
    public CompletableFuture<Void> reserve(String group, int index, Map<String, Double> resources) {
        Bundle bundle = bundles.computeIfAbsent(key(group, index), k -> new Bundle(k, runtime.vectorOf("bundle " + k, resources)));
        synchronized (bundle) {
            if (bundle.holder == null && bundle.released == null) {
                bundle.holder = runtime.createActor(HOLDER, new Object[0], resources, 0, 1, null,
                    SchedulingStrategy.defaultStrategy(), false, false);
                bundle.holder.creation().result.whenReady(() -> {
                    if (bundle.holder.isDead()) {
                        bundle.placed.completeExceptionally(new MobulaException("bundle " + bundle.key + " could not be held"));
                    } else {
                        bundle.placed.complete(null);
                        drain(bundle);
                    }
                });
            }
        }
        return bundle.placed;
    }

    /** Releases a bundle: its resources go back to the node; work waiting in it fails. */
    public void release(String group, int index) {
        release(group, index, new MobulaException("placement group " + group + " was removed, so bundle " + index
            + " is gone; schedule the work elsewhere"));
    }

    private void release(String group, int index, MobulaException why) {
        Bundle bundle = bundles.remove(key(group, index));
        if (bundle == null) {
            return;
        }
        ArrayDeque<Waiting> stranded;
        synchronized (bundle) {
            bundle.released = why;
            stranded = new ArrayDeque<>();
            for (Waiting w : bundle.waiting) {
                if (w.claim()) {
                    stranded.add(w); // fails once, here, even if it waited in other bundles too
                }
            }
            bundle.waiting.clear();
        }
        if (bundle.holder != null && !runtime.isClosed()) {
            runtime.kill(bundle.holder);
        }
        bundle.placed.completeExceptionally(bundle.released);
        for (Waiting w : stranded) {
            w.fail().accept(bundle.released);
        }
    }

    /**
     * Releases every bundle held here: this node was declared dead, and its bundles are placed again
     * elsewhere; work waiting in them fails as a system failure, so its owner sends it again.
     */
    public void releaseAll() {
        for (String key : List.copyOf(bundles.keySet())) {
            int hash = key.lastIndexOf('#');
            String group = key.substring(0, hash);
            int index = Integer.parseInt(key.substring(hash + 1));
            release(group, index, new NodeDiedException("bundle " + index + " of placement group " + group
                + " was on a node declared dead; the head places it again elsewhere"));
        }
    }

    /** Whether this node holds (or is reserving) bundle {@code index} of {@code group}. */
    public boolean holds(String group, int index) {
        return bundles.containsKey(key(group, index));
    }

    /**
     * Runs work that may go in any bundle of {@code group} held here in the first that has room for
     * {@code request}, now or when work in one of them ends ({@code startIn} gives what starts it in
     * bundle {@code index}); {@code fail} if the group goes away first. Waiting in every bundle, not in
     * one picked at submission: a bundle whose last work is just ending must not look full for good.
     *
     * @throws InfeasibleResourcesException if the request is larger than every bundle of the group.
     */
    void admitAny(String group, ResourceVector request, String what, IntFunction<Runnable> startIn,
                  Consumer<MobulaException> fail) {
        TreeMap<Integer, Bundle> fitting = new TreeMap<>();
        boolean any = false;
        for (Bundle bundle : bundles.values()) {
            if (bundle.key.startsWith(group + "#")) {
                any = true;
                if (fitsWhole(bundle, request)) {
                    fitting.put(Integer.parseInt(bundle.key.substring(group.length() + 1)), bundle);
                }
            }
        }
        if (!any) {
            fail.accept(new MobulaException(what + " was scheduled into placement group " + group + ", which holds no bundle "
                + "on this node (the group was removed, or never placed here)"));
            return;
        }
        if (fitting.isEmpty()) {
            throw new InfeasibleResourcesException(what + " needs more than any bundle of placement group " + group
                + " holds; ask for less, or make the bundles larger");
        }
        AtomicBoolean taken = new AtomicBoolean();
        for (Map.Entry<Integer, Bundle> entry : fitting.entrySet()) {
            Bundle bundle = entry.getValue();
            synchronized (bundle) {
                bundle.waiting.removeIf(Waiting::stale);
                if (bundle.released == null && bundle.placed.isDone() && bundle.waiting.isEmpty() && roomFor(bundle, request)) {
                    taken.set(true);
                    take(bundle, request, 1);
                } else {
                    continue;
                }
            }
            startIn.apply(entry.getKey()).run();
            return;
        }
        for (Map.Entry<Integer, Bundle> entry : fitting.entrySet()) {
            Bundle bundle = entry.getValue();
            synchronized (bundle) {
                if (bundle.released == null) {
                    bundle.waiting.add(new Waiting(request, startIn.apply(entry.getKey()), fail, taken));
                }
            }
        }
        fitting.values().forEach(this::drain); // a bundle that made room between the two passes
    }

    private static boolean fitsWhole(Bundle bundle, ResourceVector request) {
        for (int i = 0; i < request.size(); i++) {
            if (request.units(i) > bundle.capacity.units(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code start} once the bundle has room for {@code request} (now, or when work in it
     * finishes); {@code fail} if the bundle is not here or goes away first.
     *
     * @throws InfeasibleResourcesException if the request is larger than the whole bundle.
     */
    void admit(String group, int index, ResourceVector request, String what, Runnable start, Consumer<MobulaException> fail) {
        Bundle bundle = bundles.get(key(group, index));
        if (bundle == null) {
            fail.accept(new MobulaException(what + " was scheduled into bundle " + index + " of placement group " + group
                + ", which this node does not hold (the group was removed, or never placed here)"));
            return;
        }
        if (!fitsWhole(bundle, request)) {
            throw new InfeasibleResourcesException(what + " needs more than bundle " + index + " of placement group "
                + group + " holds; ask for less, or make the bundle larger");
        }
        boolean now;
        synchronized (bundle) {
            if (bundle.released != null) {
                fail.accept(bundle.released);
                return;
            }
            bundle.waiting.removeIf(Waiting::stale);
            now = bundle.placed.isDone() && bundle.waiting.isEmpty() && roomFor(bundle, request);
            if (now) {
                take(bundle, request, 1);
            } else {
                bundle.waiting.add(new Waiting(request, start, fail, null));
            }
        }
        if (now) {
            start.run();
        }
    }

    /** Work in the bundle finished (or an actor in it died): its share is free for the next. */
    void done(String group, int index, ResourceVector request) {
        Bundle bundle = bundles.get(key(group, index));
        if (bundle == null) {
            return;
        }
        synchronized (bundle) {
            take(bundle, request, -1);
        }
        drain(bundle);
    }

    private void drain(Bundle bundle) {
        while (true) {
            Waiting next;
            synchronized (bundle) {
                next = bundle.waiting.peek();
                if (next != null && next.stale()) {
                    bundle.waiting.poll(); // another bundle of its group ran it
                    continue;
                }
                if (next == null || bundle.released != null || !roomFor(bundle, next.request())) {
                    return;
                }
                bundle.waiting.poll();
                if (!next.claim()) {
                    continue; // claimed by another bundle just now
                }
                take(bundle, next.request(), 1);
            }
            next.start().run();
        }
    }

    private static boolean roomFor(Bundle bundle, ResourceVector request) {
        for (int i = 0; i < request.size(); i++) {
            if (bundle.used[i] + request.units(i) > bundle.capacity.units(i)) {
                return false;
            }
        }
        return true;
    }

    private static void take(Bundle bundle, ResourceVector request, int sign) {
        for (int i = 0; i < request.size(); i++) {
            bundle.used[i] += sign * request.units(i);
        }
    }
}
