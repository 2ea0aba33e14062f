package io.mobula.transport;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

/**
 * How the transport's threads (media drivers, the server agent, a waiting client) and the threads
 * of the layers above that poll its streams wait: yield for up to 2 ms after the last work, then
 * park, for 50 µs at first and up to 1 ms.
 * <p>
 * By time, not by count: a busy stream keeps every hop hot (a request-reply between two media
 * drivers over UDP takes ~40 µs here) while an idle process still sleeps. No busy spin first: on
 * this project's virtual machines a PAUSE-based spin costs the other threads of the hop their CPU
 * (measured: the same request-reply took ~270 µs with 100 spins before each yield).
 */
public final class Idle implements IdleStrategy {
    private static final long YIELD_NS = 2_000_000;
    private static final long MIN_PARK_NS = 50_000;
    private static final long MAX_PARK_NS = 1_000_000;

    private boolean idling;
    private long idleSince;
    private long parkNs = MIN_PARK_NS;

    public static Idle backoff() {
        return new Idle();
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (!idling) {
            idling = true;
            idleSince = System.nanoTime();
        }
        if (System.nanoTime() - idleSince < YIELD_NS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(MAX_PARK_NS, parkNs * 2);
        }
    }

    @Override
    public void reset() {
        idling = false;
        parkNs = MIN_PARK_NS;
    }

    @Override
    public String alias() {
        return "mobula-idle";
    }
}
