package io.mobula.cluster.ownership;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import io.mobula.store.ObjectId;

/**
 * A value that stays in the object store of the node that made it: its id there, its encoded kind
 * and size, the node's arena file (a process on the same host maps it and reads the value without
 * a copy), the node's address, and its object manager's (another node pulls it from there in
 * chunks, straight into its own store; anyone else fetches it through the node). Work that takes it as an
 * argument takes it where it lives. {@code holder} is the id of the node process holding it: one
 * that restarts at the same address is another node, without it.
 */
public record NodeObject(ObjectId id, int kind, long size, String arena, String address, String objectManager, String holder) {
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(id.toString());
        out.writeInt(kind);
        out.writeLong(size);
        out.writeUTF(arena);
        out.writeUTF(address);
        out.writeUTF(objectManager);
        out.writeUTF(holder);
    }

    public static NodeObject read(DataInputStream in) throws IOException {
        try {
            return new NodeObject(ObjectId.parse(in.readUTF()), in.readInt(), in.readLong(), in.readUTF(), in.readUTF(),
                in.readUTF(), in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new IOException("not an object id: " + e.getMessage());
        }
    }
}
