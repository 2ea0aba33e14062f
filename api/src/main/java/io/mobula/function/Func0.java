package io.mobula.function;

/** A remote function of 0 arguments that returns a value. */
@FunctionalInterface
public interface Func0<R> extends RemoteFunction {
    R apply() throws Exception;

    @Override
    default int arity() {
        return 0;
    }

    @Override
    default Object invoke(Object[] args) throws Exception {
        return apply();
    }
}
