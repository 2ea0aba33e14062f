package io.mobula.cluster.wire;

import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.StreamEndDecoder;
import io.mobula.transport.codec.StreamEndEncoder;
import io.mobula.transport.codec.StreamReadDecoder;
import io.mobula.transport.codec.StreamReadEncoder;

/**
 * A streaming generator's values on the wire: the generator's {@code Call} (flag {@code generator})
 * runs it, and its owner reads its values one by one, each read answered once that value is produced
 * (a read held meanwhile), so a value reaches the owner as soon as it is made, in order. As the
 * schema's messages:
 * <pre>
 *   StreamRead  taskId | index     the value at index (0..), read once, each after the one before:
 *                                  answered with a RemoteCall answer (CallResult: the value;
 *                                  StoredObject: a large one, kept in a node's store for the reader;
 *                                  CallFailed: the task's failure at that place, the stream's last)
 *                                  or StreamEnd
 *               taskId | -1        the reader is gone: drop the stream and stop its task (answered true
 *                                  if it was read here)
 *   StreamEnd   values             every value was read; how many there were
 * </pre>
 */
public final class StreamMessages {
    /** The index of a read that closes the stream instead. */
    public static final long CLOSE = -1;
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 9;

    /** A decoded read: {@code index} is {@link #CLOSE} for a close. */
    public record Read(ObjectId taskId, long index) {
    }

    private StreamMessages() {
    }

    public static boolean isRead(byte[] payload) {
        return WireInput.templateId(payload) == StreamReadDecoder.TEMPLATE_ID;
    }

    /** Whether an answer to a read says the stream ended. */
    public static boolean isEnd(byte[] answer) {
        return WireInput.templateId(answer) == StreamEndDecoder.TEMPLATE_ID;
    }

    /** Whether an answer to a read is the stream's last: its end, or its failure. */
    public static boolean isLast(byte[] answer) {
        return isEnd(answer) || RemoteCall.isFailure(answer);
    }

    public static byte[] read(ObjectId taskId, long index) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + StreamReadEncoder.BLOCK_LENGTH);
        StreamReadEncoder encoder = new StreamReadEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.taskId().high(taskId.high()).low(taskId.low());
        encoder.index(index);
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] close(ObjectId taskId) {
        return read(taskId, CLOSE);
    }

    /** @throws MalformedMessageException for anything that is not a well-formed read of a stream with an id. */
    public static Read decodeRead(byte[] payload) throws MalformedMessageException {
        StreamReadDecoder decoder = new StreamReadDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        ObjectId taskId = new ObjectId(decoder.taskId().high(), decoder.taskId().low());
        if (taskId.high() == 0 && taskId.low() == 0) {
            throw in.malformed("taskId", "zero names no generator call");
        }
        long index = decoder.index();
        if (index < CLOSE) {
            throw in.malformed("index", "no value has index " + index);
        }
        in.end(decoder.limit());
        return new Read(taskId, index);
    }

    public static byte[] end(long values) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + StreamEndEncoder.BLOCK_LENGTH);
        StreamEndEncoder encoder = new StreamEndEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header()).values(values);
        return out.bytes(encoder.encodedLength());
    }

    /** @return how many values the ended stream had. */
    public static long decodeEnd(byte[] answer) throws MalformedMessageException {
        StreamEndDecoder decoder = new StreamEndDecoder();
        WireInput in = WireInput.open(answer, decoder, SINCE_VERSION);
        long values = decoder.values();
        in.end(decoder.limit());
        return values;
    }
}
