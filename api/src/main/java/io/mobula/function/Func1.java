package io.mobula.function;

/** A remote function of 1 argument that returns a value. */
@FunctionalInterface
public interface Func1<A, R> extends RemoteFunction {
    R apply(A a) throws Exception;

    @Override
    default int arity() {
        return 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        return apply((A) args[0]);
    }
}
