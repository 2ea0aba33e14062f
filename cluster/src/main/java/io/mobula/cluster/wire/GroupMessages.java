package io.mobula.cluster.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.PlacementStrategy;

/**
 * Placement groups on the wire (answers are {@link RemoteCall} answers): a driver's requests,
 * which any node passes to the head, and the head's reservations of bundles on nodes.
 * <pre>
 *   create:   0x09 | group UTF | strategy UTF | bundles UTF         (answered true, or why not)
 *   nodes:    0x0A | group UTF | wait-ms i64                        (answered with "id@address|..." once
 *                                                                    placed, or "" if not by then)
 *   remove:   0x0B | group UTF
 *   reserve:  0x0C | group UTF | bundle i32 | resources UTF | wait-ms i64   (answered true once held,
 *                                                                    false if not within the wait: then freed)
 *   release:  0x0D | group UTF | bundle i32
 *     bundles   = bundle ("|" bundle)*, bundle = name ":" amount ("," name ":" amount)*
 * </pre>
 */
public final class GroupMessages {
    public static final byte CREATE = 9;
    public static final byte NODES = 10;
    public static final byte REMOVE = 11;
    public static final byte RESERVE = 12;
    public static final byte RELEASE = 13;

    /** A decoded message; fields a kind does not use are empty or zero. */
    public record Message(byte kind, String group, PlacementStrategy strategy, List<Map<String, Double>> bundles, int bundle,
                   long waitMs) {
    }

    private GroupMessages() {
    }

    public static byte[] create(String group, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        return WireBytes.of(out -> {
            out.writeByte(CREATE);
            out.writeUTF(group);
            out.writeUTF(strategy.name());
            out.writeUTF(encodeBundles(bundles));
        });
    }

    public static byte[] nodes(String group, long waitMs) {
        return WireBytes.of(out -> {
            out.writeByte(NODES);
            out.writeUTF(group);
            out.writeLong(waitMs);
        });
    }

    public static byte[] remove(String group) {
        return WireBytes.of(out -> {
            out.writeByte(REMOVE);
            out.writeUTF(group);
        });
    }

    public static byte[] reserve(String group, int bundle, Map<String, Double> resources, long waitMs) {
        return WireBytes.of(out -> {
            out.writeByte(RESERVE);
            out.writeUTF(group);
            out.writeInt(bundle);
            out.writeUTF(encodeBundles(List.of(resources)));
            out.writeLong(waitMs);
        });
    }

    public static byte[] release(String group, int bundle) {
        return WireBytes.of(out -> {
            out.writeByte(RELEASE);
            out.writeUTF(group);
            out.writeInt(bundle);
        });
    }

    public static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            String group = in.readUTF();
            return switch (kind) {
                case CREATE -> {
                    PlacementStrategy strategy;
                    try {
                        strategy = PlacementStrategy.valueOf(in.readUTF());
                    } catch (IllegalArgumentException e) {
                        throw new IOException("an unknown placement strategy");
                    }
                    yield new Message(kind, group, strategy, decodeBundles(in.readUTF()), 0, 0);
                }
                case NODES -> new Message(kind, group, null, List.of(), 0, in.readLong());
                case REMOVE -> new Message(kind, group, null, List.of(), 0, 0);
                case RESERVE -> {
                    int bundle = in.readInt();
                    List<Map<String, Double>> resources = decodeBundles(in.readUTF());
                    yield new Message(kind, group, null, resources, bundle, in.readLong());
                }
                case RELEASE -> new Message(kind, group, null, List.of(), in.readInt(), 0);
                default -> throw new IOException("not a placement group message (kind " + kind + ")");
            };
        }
    }

    public static String encodeBundles(List<Map<String, Double>> bundles) {
        List<String> out = new ArrayList<>();
        for (Map<String, Double> bundle : bundles) {
            List<String> amounts = new ArrayList<>();
            bundle.forEach((name, amount) -> amounts.add(name + ":" + amount));
            out.add(String.join(",", amounts));
        }
        return String.join("|", out);
    }

    public static List<Map<String, Double>> decodeBundles(String text) throws IOException {
        List<Map<String, Double>> bundles = new ArrayList<>();
        for (String bundle : text.split("\\|")) {
            Map<String, Double> resources = new LinkedHashMap<>();
            for (String amount : bundle.split(",")) {
                int colon = amount.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IOException("not a resource amount: '" + amount + "'");
                }
                try {
                    resources.put(amount.substring(0, colon), Double.parseDouble(amount.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    throw new IOException("not a resource amount: '" + amount + "'");
                }
            }
            bundles.add(resources);
        }
        return bundles;
    }
}
