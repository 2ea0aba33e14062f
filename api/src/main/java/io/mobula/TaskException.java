package io.mobula;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A task or actor method threw: {@code get} of its result throws this, carrying the remote
 * exception's class name, message and stack trace as text (valid in any process), and in the
 * process that ran it, the original exception as the cause.
 * <p>
 * A task whose argument is the result of a failed task fails with the same {@code TaskException}.
 */
public class TaskException extends MobulaException {
    private final String remoteClassName;
    private final String remoteMessage;
    private final String remoteStackTrace;
    private final String functionName;

    public TaskException(String functionName, Throwable remote) {
        super(functionName + " threw " + remote.getClass().getName()
            + (remote.getMessage() == null ? "" : ": " + remote.getMessage()), remote);
        this.functionName = functionName;
        this.remoteClassName = remote.getClass().getName();
        this.remoteMessage = remote.getMessage();
        StringWriter trace = new StringWriter();
        remote.printStackTrace(new PrintWriter(trace));
        this.remoteStackTrace = trace.toString();
    }

    /** A task that failed in another process: its exception arrives as text. */
    public TaskException(String functionName, String remoteClassName, String remoteMessage, String remoteStackTrace) {
        super(functionName + " threw " + remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage));
        this.functionName = functionName;
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
        this.remoteStackTrace = remoteStackTrace;
    }

    /** A failure with a message of its own (a subclass's), not "function threw class: message". */
    protected TaskException(String message, String functionName, String remoteClassName, String remoteMessage,
                            String remoteStackTrace) {
        super(message);
        this.functionName = functionName;
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
        this.remoteStackTrace = remoteStackTrace;
    }

    /**
     * Whether {@code error}, or an exception it was caused by, is a {@code type}: here, or reported
     * from another process as a {@code TaskException} naming that class.
     */
    public static boolean raised(Throwable error, Class<? extends Throwable> type) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (type.isInstance(e) || (e instanceof TaskException task && type.getName().equals(task.remoteClassName()))) {
                return true;
            }
        }
        return false;
    }

    /** The fully qualified class of the exception the task threw. */
    public String remoteClassName() {
        return remoteClassName;
    }

    /** The message of the exception the task threw (may be null). */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The stack trace of the exception the task threw, as printed where it ran. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }

    /** The task function or actor method that threw, as {@code Class.method}. */
    public String functionName() {
        return functionName;
    }
}
