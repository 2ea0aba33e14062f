package io.mobula.transport;

/**
 * The server's answers stopped for good before a request was answered: its process ended, it fell
 * silent past Aeron's image timeout, or the media driver carrying its answers is gone. Unlike a
 * refused secret, the server may have taken the request: whoever sent it decides whether to send
 * it again elsewhere.
 */
public class ServerGoneException extends AuthenticationException {
    public ServerGoneException(String message) {
        super(message);
    }
}
