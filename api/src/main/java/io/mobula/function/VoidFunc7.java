package io.mobula.function;

/** A remote function of 7 arguments that returns nothing; its ref holds {@code null}. */
@FunctionalInterface
public interface VoidFunc7<A, B, C, D, E, F, G> extends RemoteFunction {
    void apply(A a, B b, C c, D d, E e, F f, G g) throws Exception;

    @Override
    default int arity() {
        return 7;
    }

    @Override
    @SuppressWarnings("unchecked")
    default Object invoke(Object[] args) throws Exception {
        apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5], (G) args[6]);
        return null;
    }
}
