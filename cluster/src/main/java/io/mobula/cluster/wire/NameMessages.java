package io.mobula.cluster.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The cluster's named actors on the wire (answers are {@link RemoteCall} answers), kept by the head
 * and passed to it by any other node:
 * <pre>
 *   claim:   0x0E | name UTF                              (true, or false if a live actor has it)
 *   placed:  0x0F | name UTF | place UTF | class UTF      (the actor is made: where, and of what class)
 *   lookup:  0x10 | name UTF                              ("" none, "pending" being made, else "place|class")
 *   unname:  0x11 | name UTF | place UTF                  (the actor at place is gone; "" for one never made)
 * </pre>
 */
public final class NameMessages {
    public static final byte CLAIM = 14;
    public static final byte PLACED = 15;
    static final byte LOOKUP = 16;
    public static final byte UNNAME = 17;
    public static final String PENDING = "pending";

    public record Message(byte kind, String name, String place, String className) {
    }

    private NameMessages() {
    }

    public static byte[] claim(String name) {
        return of(CLAIM, name, "", "");
    }

    public static byte[] placed(String name, String place, String className) {
        return of(PLACED, name, place, className);
    }

    public static byte[] lookup(String name) {
        return of(LOOKUP, name, "", "");
    }

    public static byte[] unname(String name, String place) {
        return of(UNNAME, name, place, "");
    }

    private static byte[] of(byte kind, String name, String place, String className) {
        return WireBytes.of(out -> {
            out.writeByte(kind);
            out.writeUTF(name);
            out.writeUTF(place);
            out.writeUTF(className);
        });
    }

    public static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            if (kind < CLAIM || kind > UNNAME) {
                throw new IOException("not a name message (kind " + kind + ")");
            }
            return new Message(kind, in.readUTF(), in.readUTF(), in.readUTF());
        }
    }
}
