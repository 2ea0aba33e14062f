package io.mobula.cluster.jobs;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.mobula.function.NamedFunction;

/**
 * A function found by class, name and descriptor on this node's class path: how a node runs work
 * sent by a driver or another node. A static method takes the arguments as they are; an instance
 * method (an actor's) takes its receiver first; {@code <init>} is a constructor (an actor's
 * creation). What the function throws propagates as what the task threw.
 */
public final class ReflectiveFunction implements NamedFunction {
    private final transient Executable executable;
    private final String className;
    private final String methodName;
    private final String signature;

    private ReflectiveFunction(Executable executable, String className, String methodName, String signature) {
        this.executable = executable;
        this.className = className;
        this.methodName = methodName;
        this.signature = signature;
    }

    /**
     * @param loader        where to look: the job's classes, then the node's.
     * @param receiverFirst true for an actor's method (an instance method, receiver first), false
     *                      for a task or a creation (a static method or a constructor).
     * @throws IllegalArgumentException if the class or method is not on this node's class path, or
     *                                  is not of the kind asked for.
     */
    public static ReflectiveFunction find(ClassLoader loader, String className, String methodName, String signature,
                                   boolean receiverFirst) {
        Key key = new Key(loader, className, methodName, signature, receiverFirst);
        ReflectiveFunction known = FOUND.get(key);
        if (known != null) {
            return known; // looked up once per loader and function: reflection is the slow part of a call
        }
        ReflectiveFunction found = lookUp(loader, className, methodName, signature, receiverFirst);
        if (FOUND.size() < MAX_REMEMBERED) {
            FOUND.put(key, found);
        }
        return found;
    }

    private record Key(ClassLoader loader, String className, String methodName, String signature, boolean receiverFirst) {
    }

    private static final int MAX_REMEMBERED = 4096;
    private static final java.util.Map<Key, ReflectiveFunction> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

    private static ReflectiveFunction lookUp(ClassLoader loader, String className, String methodName, String signature,
                                             boolean receiverFirst) {
        try {
            Class<?> owner = Class.forName(className, true, loader);
            Class<?>[] parameters = MethodType.fromMethodDescriptorString(signature, loader).parameterArray();
            Executable executable;
            if ("<init>".equals(methodName)) {
                executable = owner.getDeclaredConstructor(parameters);
            } else {
                Method method = owner.getDeclaredMethod(methodName, parameters);
                if (Modifier.isStatic(method.getModifiers()) == receiverFirst) {
                    throw new IllegalArgumentException(className + "." + methodName + (receiverFirst
                        ? " is static; call an actor through its own methods (Type::method)"
                        : " is not static; a task sent to a node is a static function (Class::staticMethod)"));
                }
                executable = method;
            }
            executable.setAccessible(true);
            return new ReflectiveFunction(executable, className, methodName, signature);
        } catch (ClassNotFoundException | NoSuchMethodException | TypeNotPresentException e) {
            throw new IllegalArgumentException(className + "." + methodName + signature + " is not on this node's class "
                + "path; submit the job with its jars (mobula submit --jar) or start the node with them", e);
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
        boolean receiver = executable instanceof Method m && !Modifier.isStatic(m.getModifiers());
        return executable.getParameterCount() + (receiver ? 1 : 0);
    }

    @Override
    public Object invoke(Object[] args) throws Exception {
        try {
            if (executable instanceof Constructor<?> constructor) {
                return constructor.newInstance(args);
            }
            Method method = (Method) executable;
            if (Modifier.isStatic(method.getModifiers())) {
                return method.invoke(null, args);
            }
            return method.invoke(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
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
