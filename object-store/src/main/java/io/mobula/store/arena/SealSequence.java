package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;

/**
 * The header's seal sequence: a u32 futex word the node bumps (release) after every seal, and
 * that a process waiting for a seal sleeps on. Reading the word before the lookup loses no wake:
 * a seal after the read changes the word, so the wait returns at once.
 */
final class SealSequence {
    private final MemorySegment word;

    /**
     * @param header a mapping of at least the header: a reader's is read-only (a futex wait only
     *               reads the word), the node's writable (it advances the word).
     */
    SealSequence(MemorySegment header) {
        this.word = header.asSlice(ArenaDescriptor.SEAL_SEQUENCE_OFFSET, Integer.BYTES);
    }

    /** The sequence now (acquire): read it before a lookup, then wait with it if the lookup failed. */
    int read() {
        return (int) ArenaDescriptor.INT.getAcquire(word, 0L);
    }

    /** Sleeps while the sequence is still {@code seen}, for at most {@code timeoutNs}; callers look again. */
    void await(int seen, long timeoutNs) {
        Futex.await(word, seen, timeoutNs);
    }

    /** Node: a slot became readable (or the store closed): bump the sequence and wake every waiter. */
    void advance() {
        ArenaDescriptor.INT.getAndAdd(word, 0L, 1);
        Futex.wakeAll(word);
    }
}
