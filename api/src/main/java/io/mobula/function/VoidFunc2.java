package io.mobula.function;

/** A remote function of 2 arguments that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc2<A, B> extends RemoteFunction {
    void apply(A a, B b) throws Exception;

    @Override
    default int arity() {
        return 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        apply((A) args[0], (B) args[1]);
        return null;
    }
}
