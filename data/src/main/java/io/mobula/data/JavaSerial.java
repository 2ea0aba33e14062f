package io.mobula.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization to and from bytes, resolving classes through the thread's context class
 * loader where there is one, else this library's. The data library uses it for what must cross
 * to tasks as opaque bytes: plans (they hold lambdas, which only Java serialization writes as
 * {@link java.lang.invoke.SerializedLambda}s) and shuffle pieces.
 */
final class JavaSerial {
    private JavaSerial() {
    }

    static byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    static Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderAwareInput(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    private static final class LoaderAwareInput extends ObjectInputStream {
        LoaderAwareInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                try {
                    return Class.forName(desc.getName(), false, context);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution below
                }
            }
            try {
                return Class.forName(desc.getName(), false, JavaSerial.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
