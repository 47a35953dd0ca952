package io.serai.upstream;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TransportTest {

    @Test
    void nativeWhenWantedAndAvailableElseNio() {
        assertEquals(Transport.NIO, Transport.choose(false));
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO, Transport.choose(true));
    }

    @Test
    void channelClassesFollowTheLoopsTransport() throws Exception {
        for (Transport t : Transport.values()) {
            if (t == Transport.EPOLL && !Epoll.isAvailable()) {
                continue;
            }
            EventLoopGroup group = t.newGroup("transport-test");
            try {
                assertEquals(t, Transport.of(group.next()));
            } finally {
                group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS)
                        .sync();
            }
        }
        assertEquals(NioSocketChannel.class, Transport.NIO.socketChannel());
        assertEquals(EpollSocketChannel.class, Transport.EPOLL.socketChannel());
        assertEquals(EpollDatagramChannel.class, Transport.EPOLL.datagramChannel());
        DefaultEventLoop other = new DefaultEventLoop();
        try {
            assertNull(Transport.of(other));
        } finally {
            other.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
