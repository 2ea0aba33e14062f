package io.mobula.naming;

import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

import io.mobula.ObjectRef;
import io.mobula.function.NamedFunction;
import io.mobula.function.RemoteFunction;

/**
 * The portable name of a remote function: the class and method a method reference points at, and
 * the parameter types it is called with. Resolved once per lambda class from the lambda's
 * {@link SerializedLambda} and cached, so naming a function costs a field read after the first call.
 */
public final class FunctionDescriptor {
    /**
     * One slot per lambda class, filled from the first instance seen (the serialized form is read
     * from an instance). Racing fills compute equal values; the descriptor's fields are final.
     */
    private static final ClassValue<FunctionDescriptor[]> SLOTS = new ClassValue<>() {
        @Override
        protected FunctionDescriptor[] computeValue(Class<?> lambdaClass) {
            return new FunctionDescriptor[1];
        }
    };

    private final String className;
    private final String methodName;
    private final String methodSignature;
    private final Class<?>[] parameterTypes;
    /** Why another process could not call this function by name, or null if it can. */
    private final String unnamable;

    private FunctionDescriptor(String className, String methodName, String methodSignature, Class<?>[] parameterTypes,
                               String unnamable) {
        this.className = className;
        this.methodName = methodName;
        this.methodSignature = methodSignature;
        this.parameterTypes = parameterTypes;
        this.unnamable = unnamable;
    }

    public static FunctionDescriptor of(RemoteFunction function) {
        if (function == null) {
            throw new IllegalArgumentException("the function is null; pass a method reference such as MyTasks::add");
        }
        if (function instanceof NamedFunction named) {
            // one class, many functions: never cached by class
            return new FunctionDescriptor(named.className(), named.methodName(), named.methodSignature(), null, null);
        }
        FunctionDescriptor[] slot = SLOTS.get(function.getClass());
        FunctionDescriptor descriptor = slot[0];
        if (descriptor == null) {
            descriptor = resolve(function);
            slot[0] = descriptor;
        }
        return descriptor;
    }

    /** The class that declares the method, binary name. */
    public String className() {
        return className;
    }

    public String methodName() {
        return methodName;
    }

    /** The JVM descriptor of the implementation method. */
    public String methodSignature() {
        return methodSignature;
    }

    /** {@code SimpleClassName.method}, for messages. */
    public String displayName() {
        int dot = className.lastIndexOf('.');
        String simple = className.substring(dot + 1).replace('$', '.');
        return "<init>".equals(methodName) ? simple + "::new" : simple + "." + methodName;
    }

    /**
     * Checks that another process can find and call this function from its name alone (what an
     * isolated task or actor needs): a static method, a constructor, or an instance method whose
     * receiver is the first argument; a lambda that captures nothing compiles to a static method.
     *
     * @throws IllegalArgumentException for a capturing lambda or a bound method reference, naming the fix.
     */
    public void checkNamable(String what) {
        if (unnamable != null) {
            throw new IllegalArgumentException(what + " " + displayName() + " cannot run in a worker process: "
                + unnamable + "; pass a static method (MyTasks::work), a constructor, or a lambda that captures "
                + "nothing, with every value it needs as an argument");
        }
    }

    /**
     * Checks that {@code args} fit the parameters from {@code firstParameter} on. A ref fits any
     * parameter (its value is checked when it arrives). Unknown parameter types are not checked.
     *
     * @throws IllegalArgumentException naming the position, the argument's type and the parameter's.
     */
    public void checkArguments(Object[] args, int firstParameter) {
        if (parameterTypes == null) {
            return;
        }
        for (int i = 0; i < args.length; i++) {
            int p = i + firstParameter;
            if (p >= parameterTypes.length) {
                return;
            }
            Class<?> parameter = parameterTypes[p];
            Object arg = args[i];
            if (arg instanceof ObjectRef<?>) {
                continue;
            }
            if (arg == null) {
                if (parameter.isPrimitive()) {
                    throw new IllegalArgumentException("argument " + i + " of " + displayName() + " is null, but the "
                        + "parameter is a " + parameter.getName() + "; pass a value");
                }
                continue;
            }
            if (!box(parameter).isInstance(arg)) {
                throw new IllegalArgumentException("argument " + i + " of " + displayName() + " is a "
                    + arg.getClass().getName() + ", but the parameter is a " + parameter.getName()
                    + "; pass a " + parameter.getSimpleName() + " or an ObjectRef to one");
            }
        }
    }

    private static FunctionDescriptor resolve(RemoteFunction function) {
        Class<?> lambdaClass = function.getClass();
        SerializedLambda lambda = serializedForm(function);
        if (lambda == null) {
            // A class implementing the interface itself: it is its own function.
            return new FunctionDescriptor(lambdaClass.getName(), "apply", "", null,
                "it is a class implementing the function interface, not a method reference");
        }
        String implClass = lambda.getImplClass().replace('/', '.');
        Class<?>[] parameters = null;
        try {
            ClassLoader loader = lambdaClass.getClassLoader();
            parameters = MethodType.fromMethodDescriptorString(lambda.getInstantiatedMethodType(), loader).parameterArray();
        } catch (IllegalArgumentException | TypeNotPresentException e) {
            // The signature names a class this loader cannot see; skip argument checks.
        }
        String unnamable = null;
        if (lambda.getCapturedArgCount() > 0) {
            unnamable = lambda.getImplMethodName().startsWith("lambda$")
                ? "it is a lambda that captures " + lambda.getCapturedArgCount() + " value(s) of its enclosing scope"
                : "it is a method reference bound to an object (instance::method)";
        }
        return new FunctionDescriptor(implClass, lambda.getImplMethodName(), lambda.getImplMethodSignature(), parameters,
            unnamable);
    }

    private static SerializedLambda serializedForm(RemoteFunction function) {
        try {
            Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object form = writeReplace.invoke(function);
            return form instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "byte" -> Byte.class;
            case "short" -> Short.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }

    @Override
    public String toString() {
        return className + "." + methodName + methodSignature;
    }
}
