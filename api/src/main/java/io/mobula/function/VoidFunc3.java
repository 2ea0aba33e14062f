package io.mobula.function;

/** A remote function of 3 arguments that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc3<A, B, C> extends RemoteFunction {
    void apply(A a, B b, C c) throws Exception;

    @Override
    default int arity() {
        return 3;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        apply((A) args[0], (B) args[1], (C) args[2]);
        return null;
    }
}
