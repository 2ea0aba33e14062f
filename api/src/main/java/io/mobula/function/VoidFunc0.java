package io.mobula.function;

/** A remote function of 0 arguments that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc0 extends RemoteFunction {
    void apply() throws Exception;

    @Override
    default int arity() {
        return 0;
    }

    @Override
    default Object invoke(Object[] args) throws Exception {
        apply();
        return null;
    }
}
