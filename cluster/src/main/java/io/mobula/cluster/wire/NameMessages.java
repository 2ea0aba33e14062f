package io.mobula.cluster.wire;

import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.NameDecoder;
import io.mobula.transport.codec.NameEncoder;
import io.mobula.transport.codec.NameKind;

/**
 * The cluster's named actors on the wire, kept by the head and passed to it by any other node: one
 * schema message, {@code Name}, whose kind says which. Every name is unique within its namespace,
 * which each message carries:
 * <pre>
 *   CLAIM   name | namespace                   (answered true, or false if a live actor has it)
 *   PLACED  name | namespace | place | class   (the actor is made: where, and of what class)
 *   LOOKUP  name | namespace                   (answered with a Name message, below)
 *   UNNAME  name | namespace | place           (the actor at place is gone; "" for one never made)
 * </pre>
 * A lookup's answer is itself a {@code Name} message ({@link #found}): PLACED with its place and
 * class when the actor lives, CLAIM while it is being made, UNNAME when there is none. The other
 * answers are {@link RemoteCall} answers.
 */
public final class NameMessages {
    /** A message's kind: the values of the schema's {@code NameKind}. */
    public static final byte CLAIM = 14;
    public static final byte PLACED = 15;
    public static final byte LOOKUP = 16;
    public static final byte UNNAME = 17;
    /** The schema version that brought the message in. */
    private static final int SINCE_VERSION = 4;
    private static final int MAX_TEXT_BYTES = 4096;

    public record Message(byte kind, String name, String namespace, String place, String className) {
    }

    private NameMessages() {
    }

    public static byte[] claim(String name, String namespace) {
        return of(CLAIM, name, namespace, "", "");
    }

    public static byte[] placed(String name, String namespace, String place, String className) {
        return of(PLACED, name, namespace, place, className);
    }

    public static byte[] lookup(String name, String namespace) {
        return of(LOOKUP, name, namespace, "", "");
    }

    public static byte[] unname(String name, String namespace, String place) {
        return of(UNNAME, name, namespace, place, "");
    }

    /**
     * A lookup's answer: PLACED with where the actor lives ({@code place} not empty), CLAIM while it
     * is being made ({@code place} empty), UNNAME if there is none ({@code found} false).
     */
    public static byte[] found(String name, String namespace, boolean found, String place, String className) {
        byte kind = !found ? UNNAME : place.isEmpty() ? CLAIM : PLACED;
        return of(kind, name, namespace, found ? place : "", found ? className : "");
    }

    /** Whether a payload is one of these (a dispatcher's test: the header's template). */
    public static boolean isNameMessage(byte[] payload) {
        return WireInput.templateId(payload) == NameDecoder.TEMPLATE_ID;
    }

    private static byte[] of(byte kind, String name, String namespace, String place, String className) {
        WireOutput out = new WireOutput(128);
        NameEncoder encoder = new NameEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(NameKind.get((short) kind)).name(name).place(place).className(className).namespace(namespace);
        return out.bytes(encoder.encodedLength());
    }

    public static Message decode(byte[] payload) throws MalformedMessageException {
        NameDecoder decoder = new NameDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        short raw = decoder.kindRaw(); // raw: the generated enum lookup throws an untyped error for an unknown value
        if (raw < CLAIM || raw > UNNAME) {
            throw in.malformed("kind", "not a name message: " + raw);
        }
        in.data(decoder.limit(), "name", MAX_TEXT_BYTES);
        String name = decoder.name();
        in.data(decoder.limit(), "place", MAX_TEXT_BYTES);
        String place = decoder.place();
        in.data(decoder.limit(), "className", MAX_TEXT_BYTES);
        String className = decoder.className();
        in.data(decoder.limit(), "namespace", MAX_TEXT_BYTES);
        String namespace = decoder.namespace();
        in.end(decoder.limit());
        return new Message((byte) raw, name, namespace, place, className);
    }
}
