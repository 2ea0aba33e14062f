package io.mobula.function;

import java.io.Serializable;

/**
 * What every task function, actor constructor and actor method is: a serializable lambda, so the
 * runtime can name it by class and method and call it anywhere that class is on the class path.
 * <p>
 * Users never implement this directly; they pass method references that the typed
 * {@code Func0..Func7} and {@code VoidFunc0..VoidFunc7} interfaces accept.
 */
public interface RemoteFunction extends Serializable {
    /** The number of arguments, counting an actor method's receiver. */
    int arity();

    /**
     * Calls the function with its arguments in order; a void function returns {@code null}.
     * The runtime has already checked the count, so a wrong count is a bug in the runtime.
     */
    Object invoke(Object[] args) throws Exception;
}
