package io.mobula.transport;

/** The handshake failed: a wrong or missing secret, a server that could not prove it holds it, or no answer. */
public class AuthenticationException extends RuntimeException {
    public AuthenticationException(String message) {
        super(message);
    }
}
