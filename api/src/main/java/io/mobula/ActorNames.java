package io.mobula;

/**
 * What an actor's name or a namespace may be: checked where a program gives one, so that every
 * process, log and listing downstream holds the same string the program wrote.
 */
final class ActorNames {
    /** Longer names are refused rather than cut: two names must never become one. */
    static final int MAX_CHARS = 256;

    private ActorNames() {
    }

    /**
     * @param what "name" or "namespace", for the message.
     * @return {@code value}, if it is not blank, at most {@link #MAX_CHARS} characters, and holds no
     *         control character (a line break in a name once split a log record in two).
     * @throws IllegalArgumentException naming what is wrong with it.
     */
    static String checked(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an actor's " + what + " must not be blank");
        }
        if (value.length() > MAX_CHARS) {
            throw new IllegalArgumentException("an actor's " + what + " is at most " + MAX_CHARS + " characters; '"
                + value.substring(0, 32) + "...' has " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("an actor's " + what + " must not hold control characters; '"
                    + value.replaceAll("\\p{Cntrl}", "?") + "' has U+" + String.format("%04X", (int) c) + " at " + i);
            }
        }
        return value;
    }
}
