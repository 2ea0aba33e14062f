package io.mobula.cluster.objects;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.mobula.store.ObjectId;
import io.mobula.transport.AeronChannels;

/**
 * The object managers' requests and answers, carried as the payload of the authenticated wire's
 * Request and Response messages. Little-endian; every message starts with its type.
 * <pre>
 *   requests (puller -> holder)
 *     LOCATE    0 type=1 u32 | 4 pad u32 | 8 idHigh u64 | 16 idLow u64                          24 B
 *     SEND      0 type=2 u32 | 4 pad     | 8 idHigh     | 16 idLow     | 24 transferId u64
 *               32 addressLength u32 | 36 address UTF-8 (HOST:PORT the chunks go to)
 *     DONE      0 type=3 u32 | 4 pad     | 8 idHigh     | 16 idLow     | 24 transferId u64
 *               32 addressLength u32 | 36 address UTF-8 (the puller, now a holder; empty: it failed)
 *   answers (holder -> puller)
 *     FOUND     0 type=1 u32 | 4 kind u32 | 8 size u64                                           16 B
 *     MISSING   0 type=2 u32                                                                      4 B
 *     ACCEPTED  0 type=3 u32          (the chunks are on their way)                               4 B
 *     BUSY      0 type=4 u32          (no free send slot, no other holder known: ask again)       4 B
 *     REDIRECT  0 type=5 u32 | 4 count u32 | count x (length u32, address UTF-8)
 *     ACK       0 type=6 u32                                                                      4 B
 * </pre>
 * A payload that does not parse as one of these, whole, throws {@link MalformedMessageException}.
 */
final class PullProtocol {
    static final int LOCATE = 1;
    static final int SEND = 2;
    static final int DONE = 3;

    static final int FOUND = 1;
    static final int MISSING = 2;
    static final int ACCEPTED = 3;
    static final int BUSY = 4;
    static final int REDIRECT = 5;
    static final int ACK = 6;

    /** Longer than any HOST:PORT (a bracketed IPv6 literal and a port is under 60). */
    static final int MAX_ADDRESS_BYTES = 256;
    /** A redirect names at most this many holders. */
    static final int MAX_REDIRECT_HOLDERS = 8;

    private static final int ID_OFFSET = 8;
    private static final int TRANSFER_ID_OFFSET = 24;
    private static final int ADDRESS_OFFSET = 32;

    /** A request as the serving side reads it; {@code address} is null for LOCATE. */
    record Request(int type, ObjectId id, long transferId, String address) {
    }

    /** An answer as the pulling side reads it. */
    record Answer(int type, long size, int kind, List<String> holders) {
    }

    /** The payload does not parse; the message is dropped and counted. */
    static final class MalformedMessageException extends Exception {
        MalformedMessageException(String message) {
            super(message, null, false, false); // no stack trace: junk from the wire is not a bug here
        }
    }

    private PullProtocol() {
    }

    static byte[] locate(ObjectId id) {
        return header(LOCATE, id, TRANSFER_ID_OFFSET).array();
    }

    static byte[] send(ObjectId id, long transferId, String replyAddress) {
        return withAddress(SEND, id, transferId, replyAddress);
    }

    /** @param holderAddress the puller's address if it now holds the object, null if the transfer failed. */
    static byte[] done(ObjectId id, long transferId, String holderAddress) {
        return withAddress(DONE, id, transferId, holderAddress == null ? "" : holderAddress);
    }

    static Request readRequest(byte[] payload) throws MalformedMessageException {
        ByteBuffer in = wrap(payload);
        int type = int32(in, 0);
        if (type != LOCATE && type != SEND && type != DONE) {
            throw new MalformedMessageException("unknown request type " + type);
        }
        if (payload.length < TRANSFER_ID_OFFSET) {
            throw new MalformedMessageException("a request is at least " + TRANSFER_ID_OFFSET + " bytes, got " + payload.length);
        }
        ObjectId id = new ObjectId(in.getLong(ID_OFFSET), in.getLong(ID_OFFSET + 8));
        if (type == LOCATE) {
            exactLength(payload, TRANSFER_ID_OFFSET);
            return new Request(type, id, 0, null);
        }
        long transferId = int64(in, TRANSFER_ID_OFFSET);
        int length = int32(in, ADDRESS_OFFSET);
        if (length < 0 || length > MAX_ADDRESS_BYTES) {
            throw new MalformedMessageException("address length " + length + " is out of range");
        }
        exactLength(payload, ADDRESS_OFFSET + Integer.BYTES + length);
        String address = new String(payload, ADDRESS_OFFSET + Integer.BYTES, length, StandardCharsets.UTF_8);
        if (type == SEND || !address.isEmpty()) {
            checkAddress(address);
        }
        return new Request(type, id, transferId, address.isEmpty() ? null : address);
    }

    static byte[] found(long size, int kind) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(FOUND).putInt(kind).putLong(size).array();
    }

    static byte[] answer(int type) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(type).array();
    }

    static byte[] redirect(List<String> holders) {
        List<byte[]> encoded = holders.stream().limit(MAX_REDIRECT_HOLDERS).map(h -> h.getBytes(StandardCharsets.UTF_8)).toList();
        ByteBuffer out = ByteBuffer.allocate(8 + encoded.stream().mapToInt(b -> Integer.BYTES + b.length).sum())
            .order(ByteOrder.LITTLE_ENDIAN).putInt(REDIRECT).putInt(encoded.size());
        encoded.forEach(b -> out.putInt(b.length).put(b));
        return out.array();
    }

    static Answer readAnswer(byte[] payload) throws MalformedMessageException {
        ByteBuffer in = wrap(payload);
        int type = int32(in, 0);
        switch (type) {
            case FOUND -> {
                exactLength(payload, 16);
                long size = in.getLong(8);
                if (size < 0) {
                    throw new MalformedMessageException("negative object size " + size);
                }
                return new Answer(type, size, in.getInt(4), List.of());
            }
            case MISSING, ACCEPTED, BUSY, ACK -> {
                exactLength(payload, Integer.BYTES);
                return new Answer(type, 0, 0, List.of());
            }
            case REDIRECT -> {
                int count = int32(in, 4);
                if (count < 1 || count > MAX_REDIRECT_HOLDERS) {
                    throw new MalformedMessageException("a redirect names 1.." + MAX_REDIRECT_HOLDERS + " holders, got " + count);
                }
                List<String> holders = new ArrayList<>(count);
                int at = 8;
                for (int i = 0; i < count; i++) {
                    int length = int32(in, at);
                    if (length < 1 || length > MAX_ADDRESS_BYTES || at + Integer.BYTES + length > payload.length) {
                        throw new MalformedMessageException("holder " + i + " of the redirect is cut off or too long");
                    }
                    String holder = new String(payload, at + Integer.BYTES, length, StandardCharsets.UTF_8);
                    checkAddress(holder);
                    holders.add(holder);
                    at += Integer.BYTES + length;
                }
                exactLength(payload, at);
                return new Answer(type, 0, 0, List.copyOf(holders));
            }
            default -> throw new MalformedMessageException("unknown answer type " + type);
        }
    }

    private static byte[] withAddress(int type, ObjectId id, long transferId, String address) {
        byte[] text = address.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = header(type, id, ADDRESS_OFFSET + Integer.BYTES + text.length);
        out.putLong(TRANSFER_ID_OFFSET, transferId).putInt(ADDRESS_OFFSET, text.length).put(ADDRESS_OFFSET + Integer.BYTES, text);
        return out.array();
    }

    private static ByteBuffer header(int type, ObjectId id, int length) {
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0, type).putLong(ID_OFFSET, id.high()).putLong(ID_OFFSET + 8, id.low());
        return out;
    }

    private static ByteBuffer wrap(byte[] payload) throws MalformedMessageException {
        if (payload == null || payload.length < Integer.BYTES) {
            throw new MalformedMessageException("a message is at least 4 bytes");
        }
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int int32(ByteBuffer in, int at) throws MalformedMessageException {
        if (at + Integer.BYTES > in.capacity()) {
            throw new MalformedMessageException("cut off at byte " + at);
        }
        return in.getInt(at);
    }

    private static long int64(ByteBuffer in, int at) throws MalformedMessageException {
        if (at + Long.BYTES > in.capacity()) {
            throw new MalformedMessageException("cut off at byte " + at);
        }
        return in.getLong(at);
    }

    private static void exactLength(byte[] payload, int expected) throws MalformedMessageException {
        if (payload.length != expected) {
            throw new MalformedMessageException("expected " + expected + " bytes, got " + payload.length);
        }
    }

    private static void checkAddress(String address) throws MalformedMessageException {
        try {
            AeronChannels.parseAddress(address);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("not a HOST:PORT address: " + e.getMessage());
        }
    }
}
