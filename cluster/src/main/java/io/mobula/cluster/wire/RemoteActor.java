package io.mobula.cluster.wire;

/**
 * Where an actor created through the cluster lives: its id on its node and that node's address.
 * A connected driver holds this in place of the instance and sends the actor's calls there.
 */
public record RemoteActor(long id, String address) {
    @Override
    public String toString() {
        return id + "@" + address;
    }

    public static RemoteActor parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("not an actor's place: '" + text + "'");
        }
        return new RemoteActor(Long.parseLong(text.substring(0, at)), text.substring(at + 1));
    }
}
