package io.mobula.runtime;

import io.mobula.function.NamedFunction;

/**
 * The "constructor" of a handle to an actor that already lives elsewhere in the cluster (one found
 * by name): it builds nothing, it names where the actor is. The invoker that places work elsewhere
 * recognises it and attaches instead of creating.
 */
public record AttachedActor(String className, Object place) implements NamedFunction {
    @Override
    public String methodName() {
        return "<init>";
    }

    @Override
    public String methodSignature() {
        return "()V";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public Object invoke(Object[] args) {
        return place;
    }
}
