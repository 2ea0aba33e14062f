package io.mobula.function;

/** A remote function of 1 argument that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc1<A> extends RemoteFunction {
    void apply(A a) throws Exception;

    @Override
    default int arity() {
        return 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        apply((A) args[0]);
        return null;
    }
}
