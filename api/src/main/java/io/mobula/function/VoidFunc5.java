package io.mobula.function;

/** A remote function of 5 arguments that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc5<A, B, C, D, E> extends RemoteFunction {
    void apply(A a, B b, C c, D d, E e) throws Exception;

    @Override
    default int arity() {
        return 5;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]);
        return null;
    }
}
