package io.mobula;

import java.util.ArrayList;
import java.util.List;

import io.mobula.function.RemoteFunction;
import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;
import io.mobula.spi.RetryOptions;

/**
 * A method call on an actor about to be submitted: set options, then {@link #remote()}. Calls
 * through one handle run in the order {@code remote()} was called (unless the actor allows
 * concurrency).
 */
public final class ActorCall<R> {
    private final MobulaRuntime runtime;
    private final ActorState actor;
    private final long actorId;
    private final RemoteFunction method;
    private final Object[] args;
    private int maxRetries;
    private List<Class<? extends Throwable>> retryOn = List.of();
    private String concurrencyGroup;
    private int numReturns = 1;

    ActorCall(MobulaRuntime runtime, ActorState actor, long actorId, RemoteFunction method, Object[] args) {
        this.runtime = runtime;
        this.actor = actor;
        this.actorId = actorId;
        this.method = method;
        this.args = args;
    }

    /** How many more times the call runs after a retryable exception (default 0). */
    public ActorCall<R> maxRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        this.maxRetries = maxRetries;
        return this;
    }

    @SafeVarargs
    public final ActorCall<R> retryExceptions(Class<? extends Throwable>... types) {
        this.retryOn = List.of(types);
        return this;
    }

    /**
     * Runs the call in the actor's concurrency group called {@code name} (declared at its creation
     * with {@link ActorCreation#concurrencyGroup}) instead of its method's group or the default one.
     * An unknown name fails {@link #remote()} with {@link IllegalArgumentException}.
     */
    public ActorCall<R> concurrencyGroup(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a concurrency group's name must not be blank");
        }
        this.concurrencyGroup = name;
        return this;
    }

    /**
     * The method returns {@code n} values, each stored as its own object (Ray's {@code num_returns}
     * on an actor method): submit the call with {@link #remoteEach()}. {@code numReturns(1)} with
     * {@link #remote()} is a plain call.
     *
     * @throws IllegalArgumentException if {@code n < 1}.
     */
    public ActorCall<R> numReturns(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("numReturns must be >= 1, got " + n + "; a method that returns nothing "
                + "still gives one ref, which says when the call is done");
        }
        this.numReturns = n;
        return this;
    }

    /** Submits the call; its ref fails with {@link ActorDiedException} if the actor is or becomes dead. */
    public ObjectRef<R> remote() {
        if (numReturns != 1) {
            throw new IllegalStateException("this call was given numReturns(" + numReturns + "): submit it with remoteEach(), "
                + "which gives one ref per value");
        }
        return new ObjectRef<>(runtime.submitActorCall(liveActor(), method, args, new RetryOptions(maxRetries, retryOn),
            concurrencyGroup), runtime);
    }

    /**
     * Submits a call whose method returns a {@code List<T>} or a {@code T[]} of exactly
     * {@link #numReturns(int) numReturns} values, and returns one ref per value, in order. Another
     * count, or no list or array, fails every ref with {@link ReturnCountException}; a failure of the
     * call (the method threw, the actor died) fails every ref with it.
     */
    public <T> List<ObjectRef<T>> remoteEach() {
        ObjectState[] states = runtime.submitActorCallEach(liveActor(), method, args, new RetryOptions(maxRetries, retryOn),
            concurrencyGroup, numReturns);
        List<ObjectRef<T>> refs = new ArrayList<>(states.length);
        for (ObjectState state : states) {
            refs.add(new ObjectRef<>(state, runtime));
        }
        return List.copyOf(refs);
    }

    private ActorState liveActor() {
        if (actor == null) {
            throw new ActorDiedException("actor " + actorId + " no longer exists on this node; it was killed or died");
        }
        return actor;
    }
}
