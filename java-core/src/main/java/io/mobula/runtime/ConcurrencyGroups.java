package io.mobula.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.ConcurrencyGroup;
import io.mobula.function.RemoteFunction;
import io.mobula.naming.FunctionDescriptor;

/**
 * An actor's concurrency groups as lanes: lane 0 is the default group ({@code maxConcurrency}
 * threads), then one lane per named group, each with its own queue and threads. Says which lane a
 * call goes to: the group it names, else its method's group, else the default. Immutable.
 */
public final class ConcurrencyGroups {
    /** A method of the actor's class, as {@link FunctionDescriptor} names it. */
    public record Method(String className, String methodName, String signature) {
        String key() {
            return className + "." + methodName + signature;
        }
    }

    /** A named group as declared at creation: how many of its calls run at once, and its methods. */
    public record Declared(String name, int maxConcurrency, List<Method> methods) {
    }

    /** The default group's lane. */
    static final int DEFAULT_LANE = 0;

    private final String[] names;
    private final int[] sizes;
    private final List<Declared> declared;
    private final Map<String, Integer> laneByName;
    /** A method's lane, by {@link #methodKey}. */
    private final Map<String, Integer> laneByMethod;

    private ConcurrencyGroups(String[] names, int[] sizes, List<Declared> declared, Map<String, Integer> laneByName,
                              Map<String, Integer> laneByMethod) {
        this.declared = declared;
        this.names = names;
        this.sizes = sizes;
        this.laneByName = laneByName;
        this.laneByMethod = laneByMethod;
    }

    /** The default group alone. */
    static ConcurrencyGroups only(int maxConcurrency) {
        return new ConcurrencyGroups(new String[] {"default"}, new int[] {maxConcurrency}, List.of(), Map.of(), Map.of());
    }

    /**
     * The default group of {@code maxConcurrency} threads and {@code groups}.
     *
     * @throws IllegalArgumentException if two groups share a name, or a method is bound to two.
     */
    static ConcurrencyGroups of(int maxConcurrency, List<ConcurrencyGroup<?>> groups, String actor) {
        if (groups == null || groups.isEmpty()) {
            return only(maxConcurrency);
        }
        List<Declared> declared = new ArrayList<>();
        for (ConcurrencyGroup<?> group : groups) {
            List<Method> methods = new ArrayList<>();
            for (RemoteFunction method : group.methods()) {
                FunctionDescriptor descriptor = FunctionDescriptor.of(method);
                methods.add(new Method(descriptor.className(), descriptor.methodName(), descriptor.methodSignature()));
            }
            declared.add(new Declared(group.name(), group.maxConcurrency(), methods));
        }
        return ofDeclared(maxConcurrency, declared, actor);
    }

    /**
     * The default group of {@code maxConcurrency} threads and the groups {@code declared} (as they
     * came from another process: an actor a driver has a node build).
     *
     * @throws IllegalArgumentException if two groups share a name, or a method is bound to two.
     */
    public static ConcurrencyGroups ofDeclared(int maxConcurrency, List<Declared> groups, String actor) {
        if (groups == null || groups.isEmpty()) {
            return only(maxConcurrency);
        }
        List<String> names = new ArrayList<>(List.of("default"));
        List<Integer> sizes = new ArrayList<>(List.of(maxConcurrency));
        Map<String, Integer> laneByName = new LinkedHashMap<>();
        Map<String, Integer> laneByMethod = new HashMap<>();
        for (Declared group : groups) {
            if (group.name() == null || group.name().isBlank() || group.maxConcurrency() < 1) {
                throw new IllegalArgumentException("actor " + actor + " declares a concurrency group without a name or with "
                    + "maxConcurrency < 1: " + group);
            }
            int lane = names.size();
            if (laneByName.putIfAbsent(group.name(), lane) != null) {
                throw new IllegalArgumentException("actor " + actor + " declares concurrency group '" + group.name()
                    + "' twice; give each group its own name");
            }
            names.add(group.name());
            sizes.add(group.maxConcurrency());
            for (Method method : group.methods()) {
                Integer before = laneByMethod.putIfAbsent(method.key(), lane);
                if (before != null) {
                    throw new IllegalArgumentException("actor " + actor + " binds " + method.methodName()
                        + " to concurrency groups '" + names.get(before) + "' and '" + group.name() + "'; bind each method to "
                        + "one group (a call may still name another with concurrencyGroup(name))");
                }
            }
        }
        return new ConcurrencyGroups(names.toArray(String[]::new), sizes.stream().mapToInt(Integer::intValue).toArray(),
            List.copyOf(groups), Map.copyOf(laneByName), Map.copyOf(laneByMethod));
    }

    /** The named groups as declared (empty: the default group alone). */
    public List<Declared> declared() {
        return declared;
    }

    /** How many lanes (the default group and each named one). */
    int lanes() {
        return names.length;
    }

    /** How many threads take calls of {@code lane}. */
    int threads(int lane) {
        return sizes[lane];
    }

    /** Every lane's threads, together. */
    int totalThreads() {
        int total = 0;
        for (int size : sizes) {
            total += size;
        }
        return total;
    }

    String name(int lane) {
        return names[lane];
    }

    /** Whether any named group was declared. */
    boolean named() {
        return names.length > 1;
    }

    /**
     * The lane of a call of {@code method}: the group {@code group} names, else the method's, else the default.
     *
     * @throws IllegalArgumentException if {@code group} names no group of this actor.
     */
    int laneOf(FunctionDescriptor method, String group, java.util.function.Supplier<String> actor) {
        if (group != null) {
            Integer lane = laneByName.get(group);
            if (lane == null) {
                throw new IllegalArgumentException("actor " + actor.get() + " has no concurrency group '" + group + "' (it has "
                    + (laneByName.isEmpty() ? "none" : String.join(", ", laneByName.keySet())) + "); declare it at creation "
                    + "with concurrencyGroup(ConcurrencyGroup.named(\"" + group + "\", n)), or drop concurrencyGroup from the call");
            }
            return lane;
        }
        if (laneByMethod.isEmpty()) {
            return DEFAULT_LANE; // no method bound to a group (most actors): no key to build per call
        }
        return laneByMethod.getOrDefault(new Method(method.className(), method.methodName(), method.methodSignature()).key(),
            DEFAULT_LANE);
    }
}
