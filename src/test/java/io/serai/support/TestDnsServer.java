package io.serai.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server on 127.0.0.1, an ephemeral UDP port, on Netty's DNS codec: it answers A and AAAA
 * queries from records a test sets and changes while it runs ({@link #answer}), may answer a name late
 * ({@link #slow}), says NXDOMAIN for any other name, and records every question it was asked. Point
 * Serai at it with {@code serai.dns.servers=}{@link #address()}.
 */
public final class TestDnsServer implements AutoCloseable {

    private record Records(List<InetAddress> addresses, int ttlSeconds) {}

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private final Map<String, Records> records = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final Channel channel;

    private TestDnsServer() throws InterruptedException {
        channel = new Bootstrap()
                .group(loop)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline()
                                .addLast(new DatagramDnsQueryDecoder())
                                .addLast(new DatagramDnsResponseEncoder())
                                .addLast(new Answers());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    public static TestDnsServer start() throws InterruptedException {
        return new TestDnsServer();
    }

    /** {@code 127.0.0.1:port}, the value for {@code serai.dns.servers}. */
    public String address() {
        return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** From now on {@code name} has exactly {@code addresses} (IPv4 as A, IPv6 as AAAA records), with this TTL. */
    public TestDnsServer answer(String name, int ttlSeconds, String... addresses) {
        List<InetAddress> parsed = new ArrayList<>();
        for (String a : addresses) {
            try {
                parsed.add(InetAddress.getByName(a)); // IP literals: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        }
        records.put(key(name), new Records(List.copyOf(parsed), ttlSeconds));
        return this;
    }

    /** Answers about {@code name} only after {@code delay}. */
    public TestDnsServer slow(String name, Duration delay) {
        delays.put(key(name), delay);
        return this;
    }

    /** Every question asked so far, as {@code name TYPE} ({@code web.test A}). */
    public List<String> questions() {
        return List.copyOf(questions);
    }

    /** How many questions about {@code name} (any type) were asked so far. */
    public long questionsAbout(String name) {
        String k = key(name);
        return questions.stream().filter(q -> q.startsWith(k + " ")).count();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answers extends SimpleChannelInboundHandler<DatagramDnsQuery> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = key(question.name());
            questions.add(name + " " + question.type().name());
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionDesired(query.isRecursionDesired());
            response.setRecursionAvailable(true);
            response.setAuthoritativeAnswer(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            Records found = records.get(name);
            if (found == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                int length = question.type() == DnsRecordType.A ? 4 : question.type() == DnsRecordType.AAAA ? 16 : -1;
                for (InetAddress address : found.addresses()) {
                    if (address.getAddress().length == length) {
                        response.addRecord(
                                DnsSection.ANSWER,
                                new DefaultDnsRawRecord(
                                        question.name(),
                                        question.type(),
                                        found.ttlSeconds(),
                                        Unpooled.wrappedBuffer(address.getAddress())));
                    }
                }
            }
            Duration delay = delays.get(name);
            if (delay == null) {
                ctx.writeAndFlush(response);
            } else {
                ctx.executor().schedule(() -> ctx.writeAndFlush(response), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
