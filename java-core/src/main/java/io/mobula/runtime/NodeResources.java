package io.mobula.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.mobula.InfeasibleResourcesException;

/**
 * The resources a node has, named and numbered once at start: every request is turned into a
 * {@link ResourceVector} over these indices, so the scheduler's accounting is array arithmetic.
 * <p>
 * Amounts are fixed point with four decimals ({@link #UNITS_PER_RESOURCE} units per resource), as
 * fractional requests such as half a GPU need exact sums.
 */
public final class NodeResources {
    public static final long UNITS_PER_RESOURCE = 10_000;
    public static final String CPU = "CPU";
    public static final String GPU = "GPU";
    public static final String MEMORY = "memory";

    private final String[] names;
    private final long[] totals;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final int cpuIndex;

    /** @param totals amount of each resource; CPU, GPU and memory are always present. */
    public NodeResources(Map<String, Double> totals) {
        Map<String, Double> all = new LinkedHashMap<>();
        all.put(CPU, 0.0);
        all.put(GPU, 0.0);
        all.put(MEMORY, 0.0);
        all.putAll(totals);
        this.names = all.keySet().toArray(String[]::new);
        this.totals = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            this.totals[i] = toUnits(names[i], all.get(names[i]));
            index.put(names[i], i);
        }
        this.cpuIndex = index.get(CPU);
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public long total(int i) {
        return totals[i];
    }

    public int cpuIndex() {
        return cpuIndex;
    }

    public int gpuIndex() {
        return index.get(GPU);
    }

    /**
     * Turns a request into a vector over this node's resources.
     *
     * @return the vector, or {@code null} if it names a resource this node lacks with an amount
     *         above zero (the caller reports it as infeasible).
     */
    public ResourceVector vector(Map<String, Double> request) {
        long[] units = new long[names.length];
        for (Map.Entry<String, Double> e : request.entrySet()) {
            long amount = toUnits(e.getKey(), e.getValue());
            Integer i = index.get(e.getKey());
            if (i == null) {
                if (amount > 0) {
                    return null;
                }
                continue;
            }
            units[i] = amount;
        }
        return new ResourceVector(units);
    }

    /** @return true when the vector fits in this node's totals (when the node is empty). */
    public boolean canEverFit(ResourceVector request) {
        for (int i = 0; i < names.length; i++) {
            if (request.units(i) > totals[i]) {
                return false;
            }
        }
        return true;
    }

    /** Totals as a map from name to amount, in this node's order. */
    public Map<String, Double> totalsAsMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], fromUnits(totals[i]));
        }
        return map;
    }

    /** Formats amounts for messages: {@code {CPU: 2, GPU: 0.5}}, zeros left out unless all are. */
    public String format(long[] units) {
        Map<String, Object> shown = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            if (units[i] != 0) {
                shown.put(names[i], formatAmount(units[i]));
            }
        }
        return shown.toString().replace("=", ": ");
    }

    public static long toUnits(String name, Double amount) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a resource needs a name, such as \"CPU\", \"GPU\" or a custom label");
        }
        if (amount == null || amount.isNaN() || amount.isInfinite() || amount < 0) {
            throw new IllegalArgumentException("resource " + name + " must be a finite amount >= 0, got " + amount);
        }
        return Math.round(amount * UNITS_PER_RESOURCE);
    }

    public static double fromUnits(long units) {
        return units / (double) UNITS_PER_RESOURCE;
    }

    static String formatAmount(long units) {
        return units % UNITS_PER_RESOURCE == 0 ? Long.toString(units / UNITS_PER_RESOURCE) : Double.toString(fromUnits(units));
    }

    /**
     * A request as a vector over this node's resources.
     *
     * @throws InfeasibleResourcesException if this node could never hold it.
     * @throws IllegalArgumentException     if its GPUs are of a shape no allocation can give.
     */
    ResourceVector feasible(String what, Map<String, Double> requested) {
        ResourceVector vector = vector(requested);
        String gpuProblem = vector == null ? null : GpuAllocator.shapeProblem(vector, this);
        if (gpuProblem != null) {
            throw new IllegalArgumentException(what + " requests " + formatRequest(requested) + ": " + gpuProblem);
        }
        if (vector == null || !canEverFit(vector)) {
            throw new InfeasibleResourcesException(what + " requests " + formatRequest(requested) + ", but this node has "
                + format(totals()) + " in all, so it could never run; lower the request, or start the node "
                + "with more (NodeContext.resource(name, amount))");
        }
        return vector;
    }

    private long[] totals() {
        long[] totals = new long[size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = total(i);
        }
        return totals;
    }

    private static String formatRequest(Map<String, Double> requested) {
        StringBuilder out = new StringBuilder("{");
        requested.forEach((name, amount) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(name).append(": ").append(NodeResources.formatAmount(NodeResources.toUnits(name, amount)));
        });
        return out.append('}').toString();
    }
}
