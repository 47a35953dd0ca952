package io.serai.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Netty transport Serai's connections use, and the channel classes that go with an event loop: a
 * channel must be of its loop's transport. Netty's native epoll (Linux) when {@code serai.native-transport}
 * allows and its library loads, else NIO. Camel's netty consumer takes the same choice ({@code nativeTransport}).
 */
public enum Transport {
    NIO(NioSocketChannel.class, NioDatagramChannel.class),
    EPOLL(EpollSocketChannel.class, EpollDatagramChannel.class);

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /** Epoll when {@code wanted} and available here; NIO otherwise, saying why in one line when it was wanted. */
    public static Transport choose(boolean wanted) {
        if (!wanted) {
            return NIO;
        }
        if (Epoll.isAvailable()) {
            return EPOLL;
        }
        LOG.info(
                "serai.native-transport: Netty's epoll transport is not available here ({}); using NIO",
                Epoll.unavailabilityCause().toString());
        return NIO;
    }

    /** The transport of {@code loop}, or null when it is neither (a loop Serai did not make). */
    public static Transport of(EventLoop loop) {
        if (loop instanceof EpollEventLoop) {
            return EPOLL;
        }
        return loop instanceof NioEventLoop ? NIO : null;
    }

    public boolean isNative() {
        return this == EPOLL;
    }

    Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    /** Event loops of this transport, one per core, on daemon threads named {@code name}. */
    EventLoopGroup newGroup(String name) {
        DefaultThreadFactory threads = new DefaultThreadFactory(name, true);
        return this == EPOLL ? new EpollEventLoopGroup(0, threads) : new NioEventLoopGroup(0, threads);
    }
}
