package io.mobula.node;

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
final class NameMessages {
    static final byte CLAIM = 14;
    static final byte PLACED = 15;
    static final byte LOOKUP = 16;
    static final byte UNNAME = 17;
    static final String PENDING = "pending";

    record Message(byte kind, String name, String place, String className) {
    }

    private NameMessages() {
    }

    static byte[] claim(String name) {
        return of(CLAIM, name, "", "");
    }

    static byte[] placed(String name, String place, String className) {
        return of(PLACED, name, place, className);
    }

    static byte[] lookup(String name) {
        return of(LOOKUP, name, "", "");
    }

    static byte[] unname(String name, String place) {
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

    static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            if (kind < CLAIM || kind > UNNAME) {
                throw new IOException("not a name message (kind " + kind + ")");
            }
            return new Message(kind, in.readUTF(), in.readUTF(), in.readUTF());
        }
    }
}
