package io.mobula.runtime;

import io.mobula.MobulaException;

/**
 * How one actor's method calls run, by where its instance is: on this node
 * ({@link LocalActorCalls}) or on the node the cluster built it on ({@link SentActorCalls}). The
 * actor's life (its mailbox, threads, restarts and death) is {@link ActorRecord}'s, the same for both.
 */
interface ActorCalls {
    /**
     * A caller's call to an actor that is alive, run from the caller's thread where that keeps the
     * mailbox order and saves the hop to the actor's thread.
     *
     * @return false: the call goes through the mailbox.
     */
    boolean trySendNow(TaskSpec call);

    /** An actor thread's next call from its lane of the mailbox, or null; {@link #taken} follows each one. */
    TaskSpec take(int lane);

    /** The actor thread is done with a call {@link #take} gave it. */
    void taken();

    /** Runs a call taken from the mailbox (it may be cancelled already: then it does nothing). */
    void run(TaskSpec call);

    /** The actor died: calls in flight elsewhere fail with {@code cause}. */
    void failInFlight(MobulaException cause);
}
