package io.mobula.data;

/** The input cannot be read: a missing path, an empty folder, an unreadable or corrupt file. */
public final class DataSourceException extends DataException {
    public DataSourceException(String message) {
        super(message);
    }

    public DataSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
