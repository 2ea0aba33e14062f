package io.mobula.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads the small binary array files shipped under {@code data/arrays/}. The format is the
 * simplest one {@link DataInputStream} reads without help: a big-endian {@code int} count
 * followed by that many big-endian IEEE-754 doubles. (The files were written once by this project
 * from a seeded random generator; see {@code data/README.md}.)
 */
public final class ArrayFiles {
    private ArrayFiles() {
    }

    /** A task function: the array stored in the class-path resource {@code path}. */
    public static double[] read(String path) {
        try (DataInputStream in = new DataInputStream(ExampleData.open(path))) {
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalStateException("array file '" + path + "' declares a negative length " + count);
            }
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = in.readDouble();
            }
            if (in.read() != -1) {
                throw new IllegalStateException("array file '" + path + "' has bytes after its " + count + " doubles");
            }
            return values;
        } catch (EOFException e) {
            throw new IllegalStateException("array file '" + path + "' is shorter than its declared length", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read array file '" + path + "'", e);
        }
    }
}
