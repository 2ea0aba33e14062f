package io.mobula.cluster.objects;

import java.util.ArrayList;
import java.util.List;

import io.mobula.store.ObjectId;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.PullAnswerDecoder;
import io.mobula.transport.codec.PullAnswerEncoder;
import io.mobula.transport.codec.PullDoneDecoder;
import io.mobula.transport.codec.PullDoneEncoder;
import io.mobula.transport.codec.PullFoundDecoder;
import io.mobula.transport.codec.PullFoundEncoder;
import io.mobula.transport.codec.PullLocateDecoder;
import io.mobula.transport.codec.PullLocateEncoder;
import io.mobula.transport.codec.PullRedirectDecoder;
import io.mobula.transport.codec.PullRedirectEncoder;
import io.mobula.transport.codec.PullSendDecoder;
import io.mobula.transport.codec.PullSendEncoder;
import io.mobula.transport.codec.PullStatus;

/**
 * The object managers' requests and answers, carried as the payload of the authenticated wire's
 * Request and Response messages: the schema's {@code Pull*} messages (transport's
 * {@code sbe/mobula-messages.xml}), told apart by the header's template id.
 * <pre>
 *   requests (puller -> holder)
 *     PullLocate    id                                 does the holder have it
 *     PullSend      id | transferId | address          send its chunks to HOST:PORT
 *     PullDone      id | transferId | address          the puller, now a holder; empty: it failed
 *   answers (holder -> puller)
 *     PullFound     kind | size
 *     PullAnswer    status MISSING | ACCEPTED (the chunks are on their way)
 *                        | BUSY (no free send slot, no other holder known: ask again) | ACK
 *     PullRedirect  holders (address)*                 1..{@value #MAX_REDIRECT_HOLDERS} other holders to ask
 * </pre>
 * A payload that does not parse as one of these, whole, throws a counted
 * {@link MalformedMessageException}.
 */
final class PullProtocol {
    /** A request's type (the schema tells requests apart by template; these name them for callers). */
    static final int LOCATE = 1;
    static final int SEND = 2;
    static final int DONE = 3;

    /** An answer's type; MISSING, ACCEPTED, BUSY and ACK are the values of the schema's {@code PullStatus}. */
    static final int FOUND = 1;
    static final int MISSING = 2;
    static final int ACCEPTED = 3;
    static final int BUSY = 4;
    static final int REDIRECT = 5;
    static final int ACK = 6;

    /** The schema version that brought these messages in. */
    private static final int SINCE_VERSION = 3;
    /** Longer than any HOST:PORT (a bracketed IPv6 literal and a port is under 60). */
    static final int MAX_ADDRESS_BYTES = 256;
    /** A redirect names at most this many holders. */
    static final int MAX_REDIRECT_HOLDERS = 8;

    /** A request as the serving side reads it; {@code address} is null for LOCATE. */
    record Request(int type, ObjectId id, long transferId, String address) {
    }

    /** An answer as the pulling side reads it. */
    record Answer(int type, long size, int kind, List<String> holders) {
    }

    private PullProtocol() {
    }

    static byte[] locate(ObjectId id) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + PullLocateEncoder.BLOCK_LENGTH);
        PullLocateEncoder encoder = new PullLocateEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        return out.bytes(encoder.encodedLength());
    }

    static byte[] send(ObjectId id, long transferId, String replyAddress) {
        WireOutput out = new WireOutput(128);
        PullSendEncoder encoder = new PullSendEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        encoder.transferId(transferId).address(replyAddress);
        return out.bytes(encoder.encodedLength());
    }

    /** @param holderAddress the puller's address if it now holds the object, null if the transfer failed. */
    static byte[] done(ObjectId id, long transferId, String holderAddress) {
        WireOutput out = new WireOutput(128);
        PullDoneEncoder encoder = new PullDoneEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        encoder.transferId(transferId).address(holderAddress == null ? "" : holderAddress);
        return out.bytes(encoder.encodedLength());
    }

    static Request readRequest(byte[] payload) throws MalformedMessageException {
        int template = WireInput.templateId(payload);
        if (template == PullLocateDecoder.TEMPLATE_ID) {
            PullLocateDecoder locate = new PullLocateDecoder();
            WireInput in = WireInput.open(payload, locate, SINCE_VERSION);
            in.end(locate.limit());
            return new Request(LOCATE, new ObjectId(locate.id().high(), locate.id().low()), 0, null);
        }
        if (template == PullSendDecoder.TEMPLATE_ID) {
            PullSendDecoder send = new PullSendDecoder();
            WireInput in = WireInput.open(payload, send, SINCE_VERSION);
            ObjectId id = new ObjectId(send.id().high(), send.id().low());
            long transferId = send.transferId();
            in.data(send.limit(), "address", MAX_ADDRESS_BYTES);
            String address = send.address();
            in.end(send.limit());
            checkAddress(in, address);
            return new Request(SEND, id, transferId, address);
        }
        PullDoneDecoder done = new PullDoneDecoder();
        WireInput in = WireInput.open(payload, done, SINCE_VERSION);
        ObjectId id = new ObjectId(done.id().high(), done.id().low());
        long transferId = done.transferId();
        in.data(done.limit(), "address", MAX_ADDRESS_BYTES);
        String address = done.address();
        in.end(done.limit());
        if (!address.isEmpty()) {
            checkAddress(in, address);
        }
        return new Request(DONE, id, transferId, address.isEmpty() ? null : address);
    }

    static byte[] found(long size, int kind) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + PullFoundEncoder.BLOCK_LENGTH);
        PullFoundEncoder encoder = new PullFoundEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(kind).size(size);
        return out.bytes(encoder.encodedLength());
    }

    /** @param type MISSING, ACCEPTED, BUSY or ACK: an answer that carries nothing else. */
    static byte[] answer(int type) {
        PullStatus status = switch (type) {
            case MISSING -> PullStatus.MISSING;
            case ACCEPTED -> PullStatus.ACCEPTED;
            case BUSY -> PullStatus.BUSY;
            case ACK -> PullStatus.ACK;
            default -> throw new IllegalArgumentException("answer type " + type + " carries more than its type; use found "
                + "or redirect");
        };
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + PullAnswerEncoder.BLOCK_LENGTH);
        PullAnswerEncoder encoder = new PullAnswerEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header()).status(status);
        return out.bytes(encoder.encodedLength());
    }

    static byte[] redirect(List<String> holders) {
        List<String> named = holders.stream().limit(MAX_REDIRECT_HOLDERS).toList();
        WireOutput out = new WireOutput(64 + named.size() * 64);
        PullRedirectEncoder encoder = new PullRedirectEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        PullRedirectEncoder.HoldersEncoder entries = encoder.holdersCount(named.size());
        named.forEach(holder -> entries.next().address(holder));
        return out.bytes(encoder.encodedLength());
    }

    static Answer readAnswer(byte[] payload) throws MalformedMessageException {
        int template = WireInput.templateId(payload);
        if (template == PullFoundDecoder.TEMPLATE_ID) {
            PullFoundDecoder found = new PullFoundDecoder();
            WireInput in = WireInput.open(payload, found, SINCE_VERSION);
            in.end(found.limit());
            if (found.size() < 0) {
                throw in.malformed("size", "negative object size " + found.size());
            }
            return new Answer(FOUND, found.size(), found.kind(), List.of());
        }
        if (template == PullRedirectDecoder.TEMPLATE_ID) {
            PullRedirectDecoder redirect = new PullRedirectDecoder();
            WireInput in = WireInput.open(payload, redirect, SINCE_VERSION);
            int count = in.group(redirect.limit(), "holders", 0, MAX_REDIRECT_HOLDERS);
            if (count < 1) {
                throw in.malformed("holders", "a redirect names 1.." + MAX_REDIRECT_HOLDERS + " holders, got none");
            }
            List<String> holders = new ArrayList<>(count);
            PullRedirectDecoder.HoldersDecoder entries = redirect.holders();
            for (int i = 0; i < count; i++) {
                in.entry(redirect.limit(), entries.actingBlockLength(), "holders");
                entries.next();
                int length = in.data(redirect.limit(), "holders.address", MAX_ADDRESS_BYTES);
                if (length == 0) {
                    throw in.malformed("holders.address", "holder " + i + " is empty");
                }
                String holder = entries.address();
                checkAddress(in, holder);
                holders.add(holder);
            }
            in.end(redirect.limit());
            return new Answer(REDIRECT, 0, 0, List.copyOf(holders));
        }
        PullAnswerDecoder answer = new PullAnswerDecoder();
        WireInput in = WireInput.open(payload, answer, SINCE_VERSION);
        in.end(answer.limit());
        // the raw value: the generated enum lookup throws an untyped error for a value it does not know
        short status = answer.statusRaw();
        if (status != MISSING && status != ACCEPTED && status != BUSY && status != ACK) {
            throw in.malformed("status", "not a pull status: " + status);
        }
        return new Answer(status, 0, 0, List.of());
    }

    private static void checkAddress(WireInput in, String address) throws MalformedMessageException {
        try {
            AeronChannels.parseAddress(address);
        } catch (IllegalArgumentException e) {
            throw in.malformed("address", "not a HOST:PORT address: " + e.getMessage());
        }
    }
}
