package io.mobula.cluster.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes one message of the node's wire formats into a byte array. */
final class WireBytes {
    /** What goes into the message. */
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private WireBytes() {
    }

    static byte[] of(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }
}
