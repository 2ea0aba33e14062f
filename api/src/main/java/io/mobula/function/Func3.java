package io.mobula.function;

/** A remote function of 3 arguments that returns a value. */
@FunctionalInterface
public interface Func3<A, B, C, R> extends RemoteFunction {
    R apply(A a, B b, C c) throws Exception;

    @Override
    default int arity() {
        return 3;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1], (C) args[2]);
    }
}
