package io.mobula.node;

import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.mobula.function.NamedFunction;

/**
 * A static method found by class, name and descriptor on this node's class path: how a node runs
 * a connected driver's call. The method's own exception propagates as what the task threw.
 */
final class ReflectiveFunction implements NamedFunction {
    private final transient Method method;
    private final String className;
    private final String methodName;
    private final String signature;

    private ReflectiveFunction(Method method, String className, String methodName, String signature) {
        this.method = method;
        this.className = className;
        this.methodName = methodName;
        this.signature = signature;
    }

    /**
     * @throws IllegalArgumentException if the class or method is not on this node's class path, or
     *                                  the method is not static.
     */
    static ReflectiveFunction find(String className, String methodName, String signature) {
        try {
            ClassLoader loader = ReflectiveFunction.class.getClassLoader();
            Class<?> owner = Class.forName(className, true, loader);
            Class<?>[] parameters = MethodType.fromMethodDescriptorString(signature, loader).parameterArray();
            Method method = owner.getDeclaredMethod(methodName, parameters);
            if (!Modifier.isStatic(method.getModifiers())) {
                throw new IllegalArgumentException(className + "." + methodName + " is not static; a connected driver "
                    + "sends static functions (Class::staticMethod) only");
            }
            method.setAccessible(true);
            return new ReflectiveFunction(method, className, methodName, signature);
        } catch (ClassNotFoundException | NoSuchMethodException | TypeNotPresentException e) {
            throw new IllegalArgumentException(className + "." + methodName + signature + " is not on this node's class "
                + "path; start the node with the job's jars on its class path", e);
        }
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public String methodName() {
        return methodName;
    }

    @Override
    public String methodSignature() {
        return signature;
    }

    @Override
    public int arity() {
        return method.getParameterCount();
    }

    @Override
    public Object invoke(Object[] args) throws Exception {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
