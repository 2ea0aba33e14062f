package io.mobula.function;

/** A remote function of 2 arguments that returns a value. */
@FunctionalInterface
public interface Func2<A, B, R> extends RemoteFunction {
    R apply(A a, B b) throws Exception;

    @Override
    default int arity() {
        return 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0], (B) args[1]);
    }
}
