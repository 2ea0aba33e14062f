package io.mobula.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.WaitResult;

/**
 * Runs one plan over a list of blocks with at most {@code window} blocks between submission and
 * hand-over at once: a new block's task is submitted only when an earlier one has been handed to
 * the sink. So however many blocks there are, at most {@code window} results exist at a time
 * (in the store or on their way), and a dataset larger than the store streams through it.
 * <pre>
 *  blocks:   0 1 2 3 4 5 6 7 8 ...
 *            [ in flight (≤ window) ]  not yet submitted
 *  wait(any one ready) ─► ordered: hand over the next in block order once it is ready
 *                         unordered: hand over whatever is ready first
 * </pre>
 * Runs on the caller's thread; the sink runs there too, one result at a time.
 */
public final class BlockExecutor {
    /** How long one wait lasts before the loop looks again (nothing is lost by waking). */
    private static final Duration POLL = Duration.ofMillis(200);

    /** Receives each block's result ref, and says whether to go on. */
    @FunctionalInterface
    public interface Sink {
        /** @return false to stop: no further block is submitted, and those in flight are cancelled. */
        boolean accept(int block, ObjectRef<Object> result);
    }

    private BlockExecutor() {
    }

    /**
     * Runs {@code plan} over {@code inputs}. A task that failed surfaces when the sink reads its
     * result (its {@code get} throws); the blocks in flight are then cancelled and the error
     * propagates to the caller.
     */
    public static void run(Mobula mobula, List<BlockInput> inputs, byte[] plan, int window, boolean ordered, String phase,
                           Dataset.ProgressListener progress, Sink sink) {
        if (window < 1) {
            throw new IllegalArgumentException("the window must be at least 1 block, got " + window);
        }
        int total = inputs.size();
        List<ObjectRef<Object>> pending = new ArrayList<>();
        Map<ObjectRef<Object>, Integer> indexOf = new IdentityHashMap<>();
        Map<Integer, ObjectRef<Object>> ready = new HashMap<>();
        int submitted = 0;
        int delivered = 0;
        boolean finished = false;
        try {
            while (delivered < total) {
                while (submitted < total && pending.size() + ready.size() < window) {
                    ObjectRef<Object> ref = inputs.get(submitted).submit(mobula, submitted, plan);
                    pending.add(ref);
                    indexOf.put(ref, submitted);
                    submitted++;
                }
                if (ordered) {
                    ObjectRef<Object> next = ready.remove(delivered);
                    if (next != null) {
                        delivered++;
                        progress.blocksDone(phase, delivered, total);
                        if (!sink.accept(delivered - 1, next)) {
                            break;
                        }
                        continue;
                    }
                }
                WaitResult<Object> done = mobula.wait(pending, 1, POLL);
                for (ObjectRef<Object> ref : done.ready()) {
                    pending.remove(ref);
                    int index = indexOf.remove(ref);
                    if (ordered) {
                        ready.put(index, ref);
                    } else {
                        delivered++;
                        progress.blocksDone(phase, delivered, total);
                        if (!sink.accept(index, ref)) {
                            return;
                        }
                    }
                }
            }
            finished = true;
        } finally {
            if (!finished) {
                for (ObjectRef<Object> ref : pending) {
                    mobula.cancel(ref);
                }
            }
        }
    }
}
