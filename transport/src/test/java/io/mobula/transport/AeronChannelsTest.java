package io.mobula.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.ChannelUri;
import org.junit.jupiter.api.Test;

class AeronChannelsTest {
    @Test
    void udpChannelsAreValidAeronUris() {
        String channel = AeronChannels.udp("127.0.0.1", 40123);
        ChannelUri uri = ChannelUri.parse(channel);
        assertEquals("udp", uri.media());
        assertEquals("127.0.0.1:40123", uri.get("endpoint"));
        assertEquals("ipc", ChannelUri.parse(AeronChannels.IPC).media());
        assertEquals("[0:0:0:0:0:0:0:1]:9", AeronChannels.endpoint("::1", 9));
    }

    @Test
    void badAddressesFailWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AeronChannels.udp("127.0.0.1", 0))
            .getMessage().contains("1..65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AeronChannels.parseAddress("nohost"))
            .getMessage().contains("HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AeronChannels.parseAddress("h:abc"))
            .getMessage().contains("not a number"));
        assertThrows(IllegalArgumentException.class, () -> AeronChannels.endpoint("no-such-host.invalid", 80));
        assertEquals("127.0.0.1:6379", AeronChannels.parseAddress("127.0.0.1:6379"));
    }
}
