package io.mobula.cluster.wire;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.PlacementStrategy;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.GroupDecoder;
import io.mobula.transport.codec.GroupEncoder;
import io.mobula.transport.codec.GroupKind;

/**
 * Placement groups on the wire (answers are {@link RemoteCall} answers): a driver's requests,
 * which any node passes to the head, and the head's reservations of bundles on nodes. One schema
 * message, {@code Group}, whose kind says which:
 * <pre>
 *   CREATE   group | strategy | amounts (bundle, amount, resource)*   (answered true, or why not)
 *   NODES    group | waitMs          (answered with "id@address|..." once placed, or "" if not by then)
 *   REMOVE   group
 *   RESERVE  group | bundle | amounts of its one bundle | waitMs     (answered true once held,
 *                                                                     false if not within the wait: then freed)
 *   RELEASE  group | bundle
 * </pre>
 */
public final class GroupMessages {
    /** A message's kind: the values of the schema's {@code GroupKind}. */
    public static final byte CREATE = 9;
    public static final byte NODES = 10;
    public static final byte REMOVE = 11;
    public static final byte RESERVE = 12;
    public static final byte RELEASE = 13;
    /** The schema version that brought the message in. */
    private static final int SINCE_VERSION = 4;
    private static final int MAX_AMOUNTS = 4096;
    private static final int MAX_NAME_BYTES = 4096;

    /** A decoded message; fields a kind does not use are empty or zero. */
    public record Message(byte kind, String group, PlacementStrategy strategy, List<Map<String, Double>> bundles, int bundle,
                   long waitMs) {
    }

    private GroupMessages() {
    }

    /** Whether a payload is one of these (a dispatcher's test: the header's template). */
    public static boolean isGroupMessage(byte[] payload) {
        return WireInput.templateId(payload) == GroupDecoder.TEMPLATE_ID;
    }

    public static byte[] create(String group, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        return encode(CREATE, group, strategy, bundles, 0, 0);
    }

    public static byte[] nodes(String group, long waitMs) {
        return encode(NODES, group, null, List.of(), 0, waitMs);
    }

    public static byte[] remove(String group) {
        return encode(REMOVE, group, null, List.of(), 0, 0);
    }

    public static byte[] reserve(String group, int bundle, Map<String, Double> resources, long waitMs) {
        return encode(RESERVE, group, null, List.of(resources), bundle, waitMs);
    }

    public static byte[] release(String group, int bundle) {
        return encode(RELEASE, group, null, List.of(), bundle, 0);
    }

    private static byte[] encode(byte kind, String group, PlacementStrategy strategy, List<Map<String, Double>> bundles,
                                 int bundle, long waitMs) {
        WireOutput out = new WireOutput(128);
        GroupEncoder encoder = new GroupEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(GroupKind.get((short) kind))
            .strategy(strategy == null ? io.mobula.transport.codec.PlacementStrategy.NONE
                : io.mobula.transport.codec.PlacementStrategy.valueOf(strategy.name()))
            .bundle(bundle)
            .waitMs(waitMs);
        GroupEncoder.AmountsEncoder amounts = encoder.amountsCount(bundles.stream().mapToInt(Map::size).sum());
        for (int i = 0; i < bundles.size(); i++) {
            for (Map.Entry<String, Double> amount : bundles.get(i).entrySet()) {
                amounts.next().bundle(i).amount(amount.getValue()).resource(amount.getKey());
            }
        }
        encoder.group(group);
        return out.bytes(encoder.encodedLength());
    }

    public static Message decode(byte[] payload) throws MalformedMessageException {
        GroupDecoder decoder = new GroupDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        short raw = decoder.kindRaw(); // raw: the generated enum lookup throws an untyped error for an unknown value
        if (raw < CREATE || raw > RELEASE) {
            throw in.malformed("kind", "not a placement group message: " + raw);
        }
        byte kind = (byte) raw;
        PlacementStrategy strategy = null;
        if (kind == CREATE) {
            short strategyRaw = decoder.strategyRaw();
            if (strategyRaw < 1 || strategyRaw > PlacementStrategy.values().length) {
                throw in.malformed("strategy", "not a placement strategy: " + strategyRaw);
            }
            strategy = PlacementStrategy.valueOf(decoder.strategy().name());
        }
        int bundle = decoder.bundle();
        long waitMs = decoder.waitMs();
        int count = in.group(decoder.limit(), "amounts", GroupDecoder.AmountsDecoder.sbeBlockLength(), MAX_AMOUNTS);
        List<Map<String, Double>> bundles = new ArrayList<>();
        GroupDecoder.AmountsDecoder amounts = decoder.amounts();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), amounts.actingBlockLength(), "amounts");
            amounts.next();
            int index = amounts.bundle();
            if (index < bundles.size() - 1 || index > bundles.size()) {
                throw in.malformed("amounts.bundle", "bundle " + index + " out of order after " + (bundles.size() - 1));
            }
            if (index == bundles.size()) {
                bundles.add(new LinkedHashMap<>());
            }
            double amount = amounts.amount();
            in.data(decoder.limit(), "amounts.resource", MAX_NAME_BYTES);
            bundles.get(index).put(amounts.resource(), amount);
        }
        in.data(decoder.limit(), "group", MAX_NAME_BYTES);
        String group = decoder.group();
        in.end(decoder.limit());
        if ((kind == CREATE || kind == RESERVE) && bundles.isEmpty()) {
            throw in.malformed("amounts", "a " + (kind == CREATE ? "creation" : "reservation") + " without a bundle");
        }
        if (kind == RESERVE && bundles.size() != 1) {
            throw in.malformed("amounts", "a reservation of " + bundles.size() + " bundles, not one");
        }
        return new Message(kind, group, strategy, kind == CREATE || kind == RESERVE ? bundles : List.of(), bundle, waitMs);
    }

    /** The text form of bundles, as the head's tables keep them (not on the wire). */
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
