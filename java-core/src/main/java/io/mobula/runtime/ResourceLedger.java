package io.mobula.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What is free on the node now. Written only by the scheduler thread; read by anyone (status,
 * {@code availableResources()}), hence the atomic array: readers see each amount whole.
 */
public final class ResourceLedger {
    private final NodeResources node;
    private final AtomicLongArray available;

    public ResourceLedger(NodeResources node) {
        this.node = node;
        this.available = new AtomicLongArray(node.size());
        for (int i = 0; i < node.size(); i++) {
            available.set(i, node.total(i));
        }
    }

    public boolean fits(ResourceVector request) {
        for (int i = 0; i < node.size(); i++) {
            long want = request.units(i);
            if (want != 0 && available.getPlain(i) < want) {
                return false;
            }
        }
        return true;
    }

    /** Marks in {@code shortOf} each resource that {@code request} asks for more of than is free now. */
    void markShort(ResourceVector request, boolean[] shortOf) {
        for (int i = 0; i < node.size(); i++) {
            long want = request.units(i);
            if (want != 0 && available.getPlain(i) < want) {
                shortOf[i] = true;
            }
        }
    }

    /** Takes the request; may drive amounts below zero (a task waking from a blocked {@code get}). */
    public void acquire(ResourceVector request) {
        for (int i = 0; i < node.size(); i++) {
            long want = request.units(i);
            if (want != 0) {
                available.setRelease(i, available.getPlain(i) - want);
            }
        }
    }

    public void release(ResourceVector request) {
        for (int i = 0; i < node.size(); i++) {
            long give = request.units(i);
            if (give != 0) {
                available.setRelease(i, available.getPlain(i) + give);
            }
        }
    }

    public Map<String, Double> availableAsMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            map.put(node.name(i), NodeResources.fromUnits(available.getAcquire(i)));
        }
        return map;
    }
}
