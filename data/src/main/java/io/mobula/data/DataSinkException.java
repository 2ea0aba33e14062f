package io.mobula.data;

/** {@link Dataset#write} cannot write where it was told: a folder that holds files, or one it cannot create. */
public final class DataSinkException extends DataException {
    public DataSinkException(String message) {
        super(message);
    }

    public DataSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
