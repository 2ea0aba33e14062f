package io.mobula.worker;

import java.lang.foreign.MemorySegment;
import java.util.List;

import io.mobula.ActorHandle;
import io.mobula.ObjectRef;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.WorkerCallDecoder;
import io.mobula.transport.codec.WorkerCallEncoder;
import io.mobula.transport.codec.WorkerCallType;
import io.mobula.transport.codec.WorkerFailedDecoder;
import io.mobula.transport.codec.WorkerFailedEncoder;
import io.mobula.transport.codec.WorkerHelloDecoder;
import io.mobula.transport.codec.WorkerHelloEncoder;
import io.mobula.transport.codec.WorkerExitActorDecoder;
import io.mobula.transport.codec.WorkerExitActorEncoder;
import io.mobula.transport.codec.WorkerOkDecoder;
import io.mobula.transport.codec.WorkerOkEncoder;
import io.mobula.transport.codec.WorkerResumeDecoder;
import io.mobula.transport.codec.WorkerResumeEncoder;
import io.mobula.transport.codec.WorkerYieldDecoder;
import io.mobula.transport.codec.WorkerYieldEncoder;

/**
 * The messages between a node and its worker processes, inside the authenticated requests and
 * responses of the transport: the schema's {@code Worker*} messages (transport's
 * {@code sbe/mobula-messages.xml}). A worker asks for work; the node answers each request with the
 * next thing to run, so one request-response pair carries one result and the next call. A generator
 * (callType GENERATOR) sends each value as it is produced, as a request of its own, and goes on once
 * the node has stored it and answered; its last request is the ordinary answer (null, or what failed).
 * <pre>
 *   worker -> node (requests)                     node -> worker (responses)
 *     WorkerHello  pid                              WorkerCall  callType RUN     a task's function
 *     WorkerOk     kind | value                                 callType CREATE  an actor's constructor
 *     WorkerFailed className | message | trace                  callType METHOD  a method of the kept instance
 *                                                               callType GENERATOR  a generator task's function
 *                                                               | args (kind | value)* | class | method | descriptor
 *     WorkerYield  kind | value (a generator's)     WorkerResume (the value is stored: go on)
 * </pre>
 * Values are the store's {@link ValueCodec} encoding, as var data. Every message fits one transport
 * message of at most {@link #MAX_MESSAGE_BYTES}. Decoders reject what does not parse, whole, with
 * a counted {@link MalformedMessageException}.
 */
public final class WorkerProtocol {
    /** A call's type: the values of the schema's {@code WorkerCallType}. */
    public static final byte RUN = 10;
    public static final byte CREATE = 11;
    public static final byte METHOD = 12;
    public static final byte GENERATOR = 13;

    /**
     * The most bytes a call (with its arguments) or an answer (with its result) may take: one Aeron
     * message on a default IPC term, less a margin. Larger values need the shared arena (not yet).
     */
    public static final int MAX_MESSAGE_BYTES = (2 << 20) - 4096;
    /** The schema version that brought these messages in. */
    private static final int SINCE_VERSION = 2;
    /** The schema version that brought generators in (GENERATOR, WorkerYield, WorkerResume). */
    private static final int GENERATOR_SINCE_VERSION = 9;
    private static final int EXIT_ACTOR_SINCE_VERSION = 10;
    private static final int MAX_TRACE_CHARS = 16_000;
    /** Three bytes a char at most in UTF-8: a truncated message or trace always fits. */
    private static final int MAX_TEXT_BYTES = 3 * MAX_TRACE_CHARS;
    /** Longer than any class name, method name or descriptor a JVM loads. */
    private static final int MAX_NAME_BYTES = 65_536;
    private static final int MAX_ARGS = 255;

    /** Values cross by copy; refs and handles nested inside them cannot cross (yet). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static ValueCodec codec(ClassLoader loader) {
        return new ValueCodec(loader, List.of(refusing(ObjectRef.class, "an ObjectRef"),
            refusing(ActorHandle.class, "an ActorHandle")));
    }

    private static <T> HandleCodec<T> refusing(Class<T> type, String what) {
        return new HandleCodec<>() {
            @Override
            public Class<T> type() {
                return type;
            }

            @Override
            public void write(T value, HandleOutput out) {
                throw new UnsupportedOperationException(what + " nested inside a value cannot cross to a worker process "
                    + "yet; pass the ref itself as an argument (the node resolves it first), or run the task without "
                    + "isolated()");
            }

            @Override
            public T read(HandleInput in) {
                throw new UnsupportedOperationException(what + " cannot cross between processes yet");
            }
        };
    }

    /** A function call as the worker reads it. */
    record Call(byte type, String className, String methodName, String signature, Object[] args) {
    }

    /** A failure as the node reads it. */
    record Failure(String className, String message, String stackTrace) {
    }

    private WorkerProtocol() {
    }

    /** Whether a request is a worker's hello (else it is an answer). */
    static boolean isHello(byte[] message) {
        return WireInput.templateId(message) == WorkerHelloDecoder.TEMPLATE_ID;
    }

    static byte[] hello(long pid) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + WorkerHelloEncoder.BLOCK_LENGTH);
        WorkerHelloEncoder encoder = new WorkerHelloEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header()).pid(pid);
        return out.bytes(encoder.encodedLength());
    }

    static long readHello(byte[] message) throws MalformedMessageException {
        WorkerHelloDecoder hello = new WorkerHelloDecoder();
        WireInput in = WireInput.open(message, hello, SINCE_VERSION);
        in.end(hello.limit());
        return hello.pid();
    }

    static byte[] call(ValueCodec codec, byte type, String className, String methodName, String signature, Object[] args) {
        EncodedValue[] values = new EncodedValue[args.length];
        long size = 256;
        for (int i = 0; i < args.length; i++) {
            values[i] = encode(codec, args[i]);
            size += values[i].size() + 16;
        }
        WireOutput out = new WireOutput((int) Math.min(size, MAX_MESSAGE_BYTES));
        WorkerCallEncoder encoder = new WorkerCallEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .callType(callType(type));
        WorkerCallEncoder.ArgsEncoder encodedArgs = encoder.argsCount(values.length);
        for (EncodedValue value : values) {
            byte[] bytes = value.toByteArray();
            encodedArgs.next().kind(value.kind()).putValue(bytes, 0, bytes.length);
        }
        encoder.className(className).methodName(methodName).signature(signature);
        return out.bytes(encoder.encodedLength());
    }

    static Call readCall(ValueCodec codec, byte[] message) throws MalformedMessageException {
        WorkerCallDecoder call = new WorkerCallDecoder();
        WireInput in = WireInput.open(message, call, SINCE_VERSION);
        // the raw value: the generated enum lookup throws an untyped error for a value it does not know
        short raw = call.callTypeRaw();
        if (raw != RUN && raw != CREATE && raw != METHOD && raw != GENERATOR) {
            throw in.malformed("callType", "not a call type: " + raw);
        }
        byte type = (byte) raw;
        int count = in.group(call.limit(), "args", WorkerCallDecoder.ArgsDecoder.sbeBlockLength(), MAX_ARGS);
        Object[] args = new Object[count];
        WorkerCallDecoder.ArgsDecoder arg = call.args();
        for (int i = 0; i < count; i++) {
            in.entry(call.limit(), arg.actingBlockLength(), "args");
            arg.next();
            int length = in.data(call.limit(), "args.value", MAX_MESSAGE_BYTES);
            args[i] = decode(codec, arg.kind(), in, call.limit(), length);
            arg.skipValue();
        }
        in.data(call.limit(), "className", MAX_NAME_BYTES);
        String className = call.className();
        in.data(call.limit(), "methodName", MAX_NAME_BYTES);
        String methodName = call.methodName();
        in.data(call.limit(), "signature", MAX_NAME_BYTES);
        String signature = call.signature();
        in.end(call.limit());
        return new Call(type, className, methodName, signature, args);
    }

    static byte[] ok(ValueCodec codec, Object value) {
        EncodedValue encoded = encode(codec, value);
        byte[] bytes = encoded.toByteArray();
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + WorkerOkEncoder.BLOCK_LENGTH + 4 + bytes.length);
        WorkerOkEncoder encoder = new WorkerOkEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(encoded.kind()).putValue(bytes, 0, bytes.length);
        return out.bytes(encoder.encodedLength());
    }

    static byte[] failed(String className, String message, String stackTrace) {
        WireOutput out = new WireOutput(1024);
        WorkerFailedEncoder encoder = new WorkerFailedEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .className(className).message(message == null ? "" : truncate(message)).stackTrace(truncate(stackTrace));
        return out.bytes(encoder.encodedLength());
    }

    /** Whether a worker's request is a generator's value (else it is its hello or a call's answer). */
    static boolean isYield(byte[] message) {
        return WireInput.templateId(message) == WorkerYieldDecoder.TEMPLATE_ID;
    }

    /** Whether a worker's request is its actor's method asking the actor to exit. */
    static boolean isExitActor(byte[] message) {
        return WireInput.templateId(message) == WorkerExitActorDecoder.TEMPLATE_ID;
    }

    /** Whether a worker's request comes before its call's answer (a generator's value, an exit asked for). */
    static boolean isInterim(byte[] message) {
        return isYield(message) || isExitActor(message);
    }

    /** The running method of the worker's actor called {@code Mobula.exitActor()}. */
    static byte[] exitActor() {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + WorkerExitActorEncoder.BLOCK_LENGTH);
        WorkerExitActorEncoder encoder = new WorkerExitActorEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException if {@code message} is not a well-formed exit request. */
    static void readExitActor(byte[] message) throws MalformedMessageException {
        WorkerExitActorDecoder exit = new WorkerExitActorDecoder();
        WireInput in = WireInput.open(message, exit, EXIT_ACTOR_SINCE_VERSION);
        in.end(exit.limit());
    }

    /** A generator's next value. @throws ValueTooLargeException if it cannot cross by copy. */
    static byte[] yield(ValueCodec codec, Object value) {
        EncodedValue encoded = encode(codec, value);
        byte[] bytes = encoded.toByteArray();
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + WorkerYieldEncoder.BLOCK_LENGTH + 4 + bytes.length);
        WorkerYieldEncoder encoder = new WorkerYieldEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(encoded.kind()).putValue(bytes, 0, bytes.length);
        return out.bytes(encoder.encodedLength());
    }

    static Object readYield(ValueCodec codec, byte[] message) throws MalformedMessageException {
        WorkerYieldDecoder yield = new WorkerYieldDecoder();
        WireInput in = WireInput.open(message, yield, GENERATOR_SINCE_VERSION);
        int length = in.data(yield.limit(), "value", MAX_MESSAGE_BYTES);
        Object value = decode(codec, yield.kind(), in, yield.limit(), length);
        yield.skipValue();
        in.end(yield.limit());
        return value;
    }

    /** The node's answer to a yield: stored, go on. */
    static byte[] resume() {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + WorkerResumeEncoder.BLOCK_LENGTH);
        WorkerResumeEncoder encoder = new WorkerResumeEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException if the node's answer to a yield is not a resume. */
    static void readResume(byte[] message) throws MalformedMessageException {
        WorkerResumeDecoder resume = new WorkerResumeDecoder();
        WireInput in = WireInput.open(message, resume, GENERATOR_SINCE_VERSION);
        in.end(resume.limit());
    }

    /** @return the value of a WorkerOk answer, or a {@link Failure} for a WorkerFailed one. */
    static Object readAnswer(ValueCodec codec, byte[] message) throws MalformedMessageException {
        if (WireInput.templateId(message) == WorkerOkDecoder.TEMPLATE_ID) {
            WorkerOkDecoder ok = new WorkerOkDecoder();
            WireInput in = WireInput.open(message, ok, SINCE_VERSION);
            int length = in.data(ok.limit(), "value", MAX_MESSAGE_BYTES);
            Object value = decode(codec, ok.kind(), in, ok.limit(), length);
            ok.skipValue();
            in.end(ok.limit());
            return value;
        }
        WorkerFailedDecoder failed = new WorkerFailedDecoder();
        WireInput in = WireInput.open(message, failed, SINCE_VERSION);
        in.data(failed.limit(), "className", MAX_NAME_BYTES);
        String className = failed.className();
        in.data(failed.limit(), "message", MAX_TEXT_BYTES);
        String text = failed.message();
        in.data(failed.limit(), "stackTrace", MAX_TEXT_BYTES);
        String trace = failed.stackTrace();
        in.end(failed.limit());
        return new Failure(className, text.isEmpty() ? null : text, trace);
    }

    private static WorkerCallType callType(byte type) {
        return switch (type) {
            case RUN -> WorkerCallType.RUN;
            case CREATE -> WorkerCallType.CREATE;
            case METHOD -> WorkerCallType.METHOD;
            case GENERATOR -> WorkerCallType.GENERATOR;
            default -> throw new IllegalArgumentException("not a call type: " + type + "; use RUN, CREATE, METHOD or GENERATOR");
        };
    }

    private static String truncate(String text) {
        return text.length() > MAX_TRACE_CHARS ? text.substring(0, MAX_TRACE_CHARS) : text;
    }

    private static EncodedValue encode(ValueCodec codec, Object value) {
        EncodedValue encoded = codec.encode(value, null);
        if (encoded.size() > MAX_MESSAGE_BYTES) {
            throw new ValueTooLargeException(encoded.size());
        }
        return encoded;
    }

    /** Decodes a value in place: the codec reads the message's own bytes, not a copy. */
    private static Object decode(ValueCodec codec, int kind, WireInput in, int limit, int length) {
        return codec.decode(kind, MemorySegment.ofArray(in.array()).asSlice(WireInput.dataOffset(limit), length));
    }

    /** A value too large to cross by copy; the caller names which value and what to do. */
    static final class ValueTooLargeException extends RuntimeException {
        final long size;

        ValueTooLargeException(long size) {
            super("a value of " + size + " bytes; at most " + MAX_MESSAGE_BYTES + " cross to or from a worker process",
                null, false, false);
            this.size = size;
        }
    }
}
