package io.mobula.transport;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

/**
 * How the transport's threads (media drivers, the server agent, a waiting client) wait: yield for
 * up to 2 ms after the last work, then park for 50 µs at a time until 50 ms have passed, then for
 * longer and longer, up to 1 ms.
 * <p>
 * The short parks hold for a while because the threads of one request-reply wait in series (two
 * media drivers, the server agent, the client's reader): had each backed off to 1 ms after one slow
 * round trip (a busy machine), the next would take milliseconds too, and so on, a slow state that
 * feeds itself (seen: sync calls through a connected driver with p90 at 3–6 ms while p50 was
 * 0.3 ms). A thread idle past the window still parks for 1 ms, so an idle process stays near zero.
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
    /** Idle this long (yield phase included) before parks grow beyond the minimum. */
    private static final long SHORT_PARKS_NS = 50_000_000;

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
        long idleNs = System.nanoTime() - idleSince;
        if (idleNs < YIELD_NS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNs);
            if (idleNs > SHORT_PARKS_NS) {
                parkNs = Math.min(MAX_PARK_NS, parkNs * 2);
            }
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
