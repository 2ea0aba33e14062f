package io.mobula.worker;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * A function found by class, method name and JVM descriptor on the worker's class path: a static
 * method, a constructor ({@code <init>}), or an instance method whose receiver is the first
 * argument. Exceptions the function throws propagate as themselves.
 */
final class FunctionTarget {
    private final Executable executable;
    private final boolean receiverFirst;

    private FunctionTarget(Executable executable, boolean receiverFirst) {
        this.executable = executable;
        this.receiverFirst = receiverFirst;
    }

    /**
     * @throws IllegalArgumentException if the class or the method is not on this class path.
     */
    static FunctionTarget find(ClassLoader loader, String className, String methodName, String signature) {
        try {
            Class<?> owner = Class.forName(className, true, loader);
            Class<?>[] parameters = MethodType.fromMethodDescriptorString(signature, loader).parameterArray();
            if ("<init>".equals(methodName)) {
                Constructor<?> constructor = owner.getDeclaredConstructor(parameters);
                constructor.setAccessible(true);
                return new FunctionTarget(constructor, false);
            }
            Method method = owner.getDeclaredMethod(methodName, parameters);
            method.setAccessible(true);
            return new FunctionTarget(method, !Modifier.isStatic(method.getModifiers()));
        } catch (ClassNotFoundException | NoSuchMethodException | TypeNotPresentException e) {
            throw new IllegalArgumentException(className + "." + methodName + signature + " is not on the worker "
                + "process's class path (it runs with the node's class path); start the node with the job's classes "
                + "on its class path", e);
        }
    }

    /** Calls the function; {@code args} includes the receiver first for an instance method. */
    Object invoke(Object[] args) throws Throwable {
        try {
            if (executable instanceof Constructor<?> constructor) {
                return constructor.newInstance(args);
            }
            Method method = (Method) executable;
            if (receiverFirst) {
                if (args.length == 0 || args[0] == null) {
                    throw new IllegalArgumentException(method.getName() + " is an instance method: its first argument "
                        + "is the object it runs on, and it is missing");
                }
                return method.invoke(args[0], Arrays.copyOfRange(args, 1, args.length));
            }
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Calls an actor method on {@code receiver}. */
    Object invokeOn(Object receiver, Object[] args) throws Throwable {
        Object[] all = new Object[args.length + 1];
        all[0] = receiver;
        System.arraycopy(args, 0, all, 1, args.length);
        return invoke(all);
    }
}
