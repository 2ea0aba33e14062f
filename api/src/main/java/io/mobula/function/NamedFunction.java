package io.mobula.function;

/**
 * A function known by the class and method it calls rather than by a lambda: what a node runs for
 * a connected driver, which sends the method's name, not code.
 */
public interface NamedFunction extends RemoteFunction {
    /** The declaring class, binary name. */
    String className();

    String methodName();

    /** The JVM descriptor of the method. */
    String methodSignature();
}
