package io.mobula.cluster.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.ClusterStatusDecoder;
import io.mobula.transport.codec.ClusterStatusEncoder;
import io.mobula.transport.codec.StatusRequestDecoder;
import io.mobula.transport.codec.StatusRequestEncoder;

/**
 * A node's status: resources (total and available), store use, tasks and actors, as named fields.
 * On the wire a {@code StatusRequest} is answered with a {@code ClusterStatus}: the answering
 * node's fields first, then each other node's it knows (a head: every member's).
 * <pre>
 *   ClusterStatus  nodes (fields (name, value)*)*
 * </pre>
 * The fields stay open (readers ignore names they do not know) so that a node can report more
 * without a schema change; {@code wire.errors} is the node process's {@link
 * io.mobula.transport.WireErrors#count()}.
 */
public record NodeStatus(Map<String, String> fields) {
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 6;
    private static final int MAX_NODES = 65_534;
    private static final int MAX_FIELDS = 4096;
    private static final int MAX_TEXT_BYTES = 4096;

    /** @return a status request. */
    public static byte[] request() {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH);
        StatusRequestEncoder encoder = new StatusRequestEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        return out.bytes(encoder.encodedLength());
    }

    /** Whether a payload is a status request (a dispatcher's test: the header's template). */
    public static boolean isRequest(byte[] payload) {
        return WireInput.templateId(payload) == StatusRequestDecoder.TEMPLATE_ID;
    }

    /** @return the answer to a status request: {@code statuses}, the answering node's first. */
    public static byte[] encodeAll(List<NodeStatus> statuses) {
        WireOutput out = new WireOutput(256 * statuses.size());
        ClusterStatusEncoder encoder = new ClusterStatusEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        ClusterStatusEncoder.NodesEncoder nodes = encoder.nodesCount(statuses.size());
        for (NodeStatus status : statuses) {
            ClusterStatusEncoder.NodesEncoder.FieldsEncoder fields = nodes.next().fieldsCount(status.fields().size());
            status.fields().forEach((name, value) -> fields.next().name(name).value(value));
        }
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException for anything that is not a whole {@code ClusterStatus}. */
    public static List<NodeStatus> decodeAll(byte[] payload) throws MalformedMessageException {
        ClusterStatusDecoder decoder = new ClusterStatusDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        int count = in.group(decoder.limit(), "nodes", ClusterStatusDecoder.NodesDecoder.sbeBlockLength(), MAX_NODES);
        List<NodeStatus> statuses = new ArrayList<>(count);
        ClusterStatusDecoder.NodesDecoder nodes = decoder.nodes();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), nodes.actingBlockLength(), "nodes");
            nodes.next();
            int fieldCount = in.group(decoder.limit(), "nodes.fields",
                ClusterStatusDecoder.NodesDecoder.FieldsDecoder.sbeBlockLength(), MAX_FIELDS);
            Map<String, String> fields = new LinkedHashMap<>();
            ClusterStatusDecoder.NodesDecoder.FieldsDecoder entries = nodes.fields();
            for (int j = 0; j < fieldCount; j++) {
                in.entry(decoder.limit(), entries.actingBlockLength(), "nodes.fields");
                entries.next();
                in.data(decoder.limit(), "nodes.fields.name", MAX_TEXT_BYTES);
                String name = entries.name();
                in.data(decoder.limit(), "nodes.fields.value", MAX_TEXT_BYTES);
                fields.put(name, entries.value());
            }
            statuses.add(new NodeStatus(fields));
        }
        in.end(decoder.limit());
        return statuses;
    }

    public String get(String key) {
        return fields.getOrDefault(key, "");
    }

    public double number(String key) {
        String v = get(key);
        return v.isEmpty() ? 0 : Double.parseDouble(v);
    }
}
