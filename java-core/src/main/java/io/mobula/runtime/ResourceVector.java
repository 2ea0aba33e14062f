package io.mobula.runtime;

import java.util.Arrays;

/**
 * An amount of each of a node's resources, in fixed-point units (see {@link NodeResources}).
 * Immutable; equal vectors are one scheduling class, queued together.
 */
public final class ResourceVector {
    private final long[] units;
    private final int hash;

    public ResourceVector(long[] units) {
        this.units = units;
        this.hash = Arrays.hashCode(units);
    }

    public long units(int i) {
        return units[i];
    }

    public int size() {
        return units.length;
    }

    long[] unitsView() {
        return units;
    }

    /** This vector with the CPU amount only, the part a task gives back while it waits in {@code get}. */
    public ResourceVector cpuPart(int cpuIndex) {
        long[] cpu = new long[units.length];
        cpu[cpuIndex] = units[cpuIndex];
        return new ResourceVector(cpu);
    }

    /** @return true if this asks for some of any resource marked in {@code marked}. */
    boolean usesAny(boolean[] marked) {
        for (int i = 0; i < units.length; i++) {
            if (units[i] != 0 && marked[i]) {
                return true;
            }
        }
        return false;
    }

    public boolean isZero() {
        for (long u : units) {
            if (u != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResourceVector v && v.hash == hash && Arrays.equals(v.units, units);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(units);
    }
}
