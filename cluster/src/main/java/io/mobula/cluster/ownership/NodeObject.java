package io.mobula.cluster.ownership;

import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.StoredObjectDecoder;
import io.mobula.transport.codec.StoredObjectEncoder;

/**
 * A value that stays in the object store of the node that made it: its id there, its encoded kind
 * and size, the node's arena file (a process on the same host maps it and reads the value without
 * a copy), the node's address, and its object manager's (another node pulls it from there in
 * chunks, straight into its own store; anyone else fetches it through the node). Work that takes it as an
 * argument takes it where it lives. {@code holder} is the id of the node process holding it: one
 * that restarts at the same address is another node, without it.
 */
public record NodeObject(ObjectId id, int kind, long size, String arena, String address, String objectManager, String holder) {
    /** The schema version that brought the message in. */
    private static final int SINCE_VERSION = 5;
    private static final int MAX_TEXT_BYTES = 4096;

    /** This as the schema's {@code StoredObject} message. */
    public byte[] encode() {
        WireOutput out = new WireOutput(256);
        StoredObjectEncoder encoder = new StoredObjectEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        encoder.kind(kind).size(size).arena(arena).address(address).objectManager(objectManager).holder(holder);
        return out.bytes(encoder.encodedLength());
    }

    public static boolean isStoredObject(byte[] payload) {
        return WireInput.templateId(payload) == StoredObjectDecoder.TEMPLATE_ID;
    }

    /** @throws MalformedMessageException for anything that is not a whole {@code StoredObject} message. */
    public static NodeObject decode(byte[] payload) throws MalformedMessageException {
        StoredObjectDecoder decoder = new StoredObjectDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        ObjectId id = new ObjectId(decoder.id().high(), decoder.id().low());
        int kind = decoder.kind();
        long size = decoder.size();
        in.data(decoder.limit(), "arena", MAX_TEXT_BYTES);
        String arena = decoder.arena();
        in.data(decoder.limit(), "address", MAX_TEXT_BYTES);
        String address = decoder.address();
        in.data(decoder.limit(), "objectManager", MAX_TEXT_BYTES);
        String objectManager = decoder.objectManager();
        in.data(decoder.limit(), "holder", MAX_TEXT_BYTES);
        String holder = decoder.holder();
        in.end(decoder.limit());
        if (size < 0) {
            throw in.malformed("size", "negative object size " + size);
        }
        return new NodeObject(id, kind, size, arena, address, objectManager, holder);
    }
}
