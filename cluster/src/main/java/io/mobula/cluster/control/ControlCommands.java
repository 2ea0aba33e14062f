package io.mobula.cluster.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.ControlAnswerDecoder;
import io.mobula.transport.codec.ControlAnswerEncoder;
import io.mobula.transport.codec.ControlCommandDecoder;
import io.mobula.transport.codec.ControlCommandEncoder;
import io.mobula.transport.codec.ControlOutcome;
import io.mobula.transport.codec.ControlVerb;

/**
 * {@link ControlService.Command}s as the schema's messages: what a node sends the head, and what the
 * head's {@link ControlLog} keeps.
 * <pre>
 *   ControlCommand  nodeId | verb | fields (name, value)*
 *   ControlAnswer   outcome OK | FENCED | ERROR | reason
 * </pre>
 */
public final class ControlCommands {
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 7;
    private static final int MAX_FIELDS = 4096;
    private static final int MAX_TEXT_BYTES = 65_536;
    /** The verbs in the order of the schema's {@code ControlVerb} values, from 1. */
    private static final List<String> VERBS = List.of(ControlService.Command.JOIN, ControlService.Command.HEARTBEAT,
        ControlService.Command.LEAVE, ControlService.Command.DEAD, ControlService.Command.GROUP_CREATE,
        ControlService.Command.GROUP_PLACED, ControlService.Command.GROUP_REMOVE, ControlService.Command.ACTOR_CLAIM,
        ControlService.Command.ACTOR_PLACED, ControlService.Command.ACTOR_UNNAME);

    private ControlCommands() {
    }

    /** Whether a payload is a command (a dispatcher's test: the header's template). */
    public static boolean isCommand(byte[] payload) {
        return WireInput.templateId(payload) == ControlCommandDecoder.TEMPLATE_ID;
    }

    /** @throws IllegalArgumentException for a verb the control service does not know. */
    public static byte[] encode(ControlService.Command command) {
        int verb = VERBS.indexOf(command.verb()) + 1;
        if (verb == 0) {
            throw new IllegalArgumentException("unknown command '" + command.verb() + "'; the head knows " + VERBS);
        }
        WireOutput out = new WireOutput(128 + 32 * command.fields().size());
        ControlCommandEncoder encoder = new ControlCommandEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .nodeId(command.nodeId()).verb(ControlVerb.get((short) verb));
        ControlCommandEncoder.FieldsEncoder fields = encoder.fieldsCount(command.fields().size());
        command.fields().forEach((name, value) -> fields.next().name(name).value(value));
        return out.bytes(encoder.encodedLength());
    }

    static ControlService.Command decode(byte[] payload) throws MalformedMessageException {
        ControlCommandDecoder decoder = new ControlCommandDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        long nodeId = decoder.nodeId();
        short verb = decoder.verbRaw(); // raw: the generated enum lookup throws an untyped error for an unknown value
        if (verb < 1 || verb > VERBS.size()) {
            throw in.malformed("verb", "not a control verb: " + verb);
        }
        int count = in.group(decoder.limit(), "fields", ControlCommandDecoder.FieldsDecoder.sbeBlockLength(), MAX_FIELDS);
        Map<String, String> fields = new LinkedHashMap<>();
        ControlCommandDecoder.FieldsDecoder entries = decoder.fields();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), entries.actingBlockLength(), "fields");
            entries.next();
            in.data(decoder.limit(), "fields.name", MAX_TEXT_BYTES);
            String name = entries.name();
            in.data(decoder.limit(), "fields.value", MAX_TEXT_BYTES);
            fields.put(name, entries.value());
        }
        in.end(decoder.limit());
        return new ControlService.Command(VERBS.get(verb - 1), nodeId, fields);
    }

    /** @param answer {@code ok}, {@code fenced} or {@code error ...}, as the head's tables answer a command. */
    public static byte[] answer(String answer) {
        ControlOutcome outcome = switch (answer) {
            case "ok" -> ControlOutcome.OK;
            case "fenced" -> ControlOutcome.FENCED;
            default -> ControlOutcome.ERROR;
        };
        String reason = outcome == ControlOutcome.ERROR ? answer.replaceFirst("^error ", "") : "";
        WireOutput out = new WireOutput(64 + reason.length() * 3);
        ControlAnswerEncoder encoder = new ControlAnswerEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .outcome(outcome).reason(reason);
        return out.bytes(encoder.encodedLength());
    }

    /** @return {@code ok}, {@code fenced} or {@code error} and the reason, as {@link #answer} took it. */
    public static String readAnswer(byte[] payload) throws MalformedMessageException {
        ControlAnswerDecoder decoder = new ControlAnswerDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        short outcome = decoder.outcomeRaw();
        in.data(decoder.limit(), "reason", MAX_TEXT_BYTES);
        String reason = decoder.reason();
        in.end(decoder.limit());
        return switch (outcome) {
            case 1 -> "ok";
            case 2 -> "fenced";
            case 3 -> "error " + reason;
            default -> throw in.malformed("outcome", "not a control outcome: " + outcome);
        };
    }
}
