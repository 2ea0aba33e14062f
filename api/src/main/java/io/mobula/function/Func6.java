package io.mobula.function;

/** A remote function of 6 arguments that returns a value. */
@FunctionalInterface
public interface Func6<A, B, C, D, E, F, R> extends RemoteFunction {
    R apply(A a, B b, C c, D d, E e, F f) throws Exception;

    @Override
    default int arity() {
        return 6;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]);
    }
}
