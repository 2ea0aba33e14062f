package io.mobula.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How a thread with nothing to do waits: spin, then yield, then park. Spinning keeps a hand-off
 * between two busy threads in the hundreds of nanoseconds; parking keeps an idle node at zero CPU.
 * The thresholds are the node's ({@code NodeContext}), shared by every waiting thread.
 */
public final class Idler {
    private final int spinIterations;
    private final long spinBeforeParkNs;

    /**
     * @param spinIterations   busy spins before yielding.
     * @param spinBeforeParkNs time spent spinning and yielding before parking.
     */
    public Idler(int spinIterations, long spinBeforeParkNs) {
        this.spinIterations = spinIterations;
        this.spinBeforeParkNs = spinBeforeParkNs;
    }

    public long spinBeforeParkNs() {
        return spinBeforeParkNs;
    }

    /** One step of the spin phase; {@code step} counts from 0. */
    public void spin(int step) {
        if (step < spinIterations) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * A doorbell for a thread that waits for work: the consumer calls {@link Doorbell#await}, any
     * producer calls {@link Doorbell#ring} after publishing work. A ring costs a volatile read unless
     * the consumer is parked.
     */
    public Doorbell doorbell() {
        return new Doorbell(this);
    }

    public static final class Doorbell {
        private final Idler idler;
        private volatile Thread sleeper;

        Doorbell(Idler idler) {
            this.idler = idler;
        }

        /** Wakes the consumer if it is parked. */
        public void ring() {
            Thread t = sleeper;
            if (t != null) {
                sleeper = null;
                LockSupport.unpark(t);
            }
        }

        /**
         * Waits until {@code hasWork} says yes: spins, yields, then parks once, for at most
         * {@code maxParkNs} ({@code Long.MAX_VALUE}: until rung). Returns after that one park
         * whatever woke it; callers loop on their own condition.
         */
        public void await(BooleanSupplier hasWork, long maxParkNs) {
            long spinUntil = System.nanoTime() + idler.spinBeforeParkNs;
            int step = 0;
            while (!hasWork.getAsBoolean()) {
                if (System.nanoTime() - spinUntil < 0) {
                    idler.spin(step++);
                    continue;
                }
                sleeper = Thread.currentThread();
                if (hasWork.getAsBoolean()) {
                    sleeper = null;
                    return;
                }
                if (maxParkNs == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, maxParkNs);
                }
                sleeper = null;
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Idler{spins=" + spinIterations + ", spinBeforeParkUs=" + TimeUnit.NANOSECONDS.toMicros(spinBeforeParkNs) + "}";
    }
}
