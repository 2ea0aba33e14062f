package io.mobula.runtime;

import java.util.Arrays;

/**
 * Which GPUs a lease or an actor holds: the ledger counts GPU units, this names the devices, so a
 * task sees the devices it was given and no two holders overbook one. A request up to one GPU
 * takes a share of one device (first fit); a request above one takes that many whole, free devices.
 * Scheduler thread only.
 */
final class GpuAllocator {
    static final int[] NONE = new int[0];

    private final long[] free;
    private final int gpuIndex;

    GpuAllocator(NodeResources resources) {
        this.gpuIndex = indexOf(resources, NodeResources.GPU);
        long total = resources.total(gpuIndex);
        int devices = (int) ((total + NodeResources.UNITS_PER_RESOURCE - 1) / NodeResources.UNITS_PER_RESOURCE);
        this.free = new long[devices];
        Arrays.fill(free, NodeResources.UNITS_PER_RESOURCE);
    }

    private static int indexOf(NodeResources resources, String name) {
        for (int i = 0; i < resources.size(); i++) {
            if (resources.name(i).equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("node has no " + name + " resource");
    }

    /** @return the devices for {@code request}, or null if they are not free now (nothing is taken). */
    int[] assign(ResourceVector request) {
        long units = request.units(gpuIndex);
        if (units == 0) {
            return NONE;
        }
        if (units <= NodeResources.UNITS_PER_RESOURCE) {
            for (int d = 0; d < free.length; d++) {
                if (free[d] >= units) {
                    free[d] -= units;
                    return new int[] {d};
                }
            }
            return null;
        }
        int whole = (int) (units / NodeResources.UNITS_PER_RESOURCE);
        int[] chosen = new int[whole];
        int n = 0;
        for (int d = 0; d < free.length && n < whole; d++) {
            if (free[d] == NodeResources.UNITS_PER_RESOURCE) {
                chosen[n++] = d;
            }
        }
        if (n < whole) {
            return null;
        }
        for (int d : chosen) {
            free[d] = 0;
        }
        return chosen;
    }

    void release(int[] devices, ResourceVector request) {
        long units = request.units(gpuIndex);
        if (devices.length == 0 || units == 0) {
            return;
        }
        long each = units <= NodeResources.UNITS_PER_RESOURCE ? units : NodeResources.UNITS_PER_RESOURCE;
        for (int d : devices) {
            free[d] += each;
        }
    }

    /** @return null if {@code request} is a GPU amount devices can hold, else why not. */
    static String shapeProblem(ResourceVector request, NodeResources resources) {
        long units = request.units(indexOf(resources, NodeResources.GPU));
        if (units > NodeResources.UNITS_PER_RESOURCE && units % NodeResources.UNITS_PER_RESOURCE != 0) {
            return "a GPU request above 1 must be a whole number of GPUs (a share of one device, or whole devices)";
        }
        return null;
    }
}
