package io.serai.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.channel.ChannelHandlerContext;
import io.serai.security.credentials.BasicCredentials;
import io.serai.security.credentials.CredentialFile;
import io.serai.security.credentials.IdentityHeaders;
import io.serai.security.credentials.PasswordHashes;
import io.serai.security.credentials.SecretDigest;
import io.serai.security.credentials.UserFile;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * HTTP Basic authentication (RFC 7617) against {@code usersFile}, an htpasswd file of bcrypt or argon2
 * hashes, re-read when it changes. Hashes are slow to verify on purpose, so verification runs on a small
 * pool of its own ({@code threads}, at most {@code queue} waiting; beyond that 503), never on an event
 * loop, and a success is remembered for {@code cacheTtl} by a salted digest of user, password and stored
 * hash (a changed hash no longer matches). An unknown user is verified against a dummy hash, so it takes
 * as long as a wrong password. A refusal is 401 with {@code WWW-Authenticate: Basic realm="<realm>",
 * charset="UTF-8"}. Authorization is removed from what the backend receives unless
 * {@code forwardCredentials}; {@code userHeader} passes the user's name instead (a client's own copy of
 * that header, in any case and with {@code _} for {@code -}, is always removed).
 */
public class BasicAuthCheck extends AccessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthCheck.class);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern REALM = Pattern.compile("[ !#-\\[\\]-~]+");

    private Path usersFile;
    private String realm = "serai";
    private String userHeader;
    private Duration reloadInterval = Duration.ofSeconds(5);
    private int threads = 2;
    private int queue = 64;
    private Duration cacheTtl = Duration.ofMinutes(1);
    private long cacheSize = 10_000;

    private final byte[] cacheSalt = new byte[32];
    private String challenge;
    private IdentityHeaders identity = IdentityHeaders.NONE;
    private volatile CredentialFile<UserFile> users;
    private volatile Cache<SecretDigest, Boolean> verified;
    private volatile ExecutorService pool;

    public BasicAuthCheck() {
        new SecureRandom().nextBytes(cacheSalt);
    }

    public void setUsersFile(String usersFile) {
        if (usersFile == null || usersFile.isBlank()) {
            throw new IllegalArgumentException("basic auth check usersFile is empty: expected the path of an htpasswd"
                    + " file (user:bcrypt-or-argon2-hash a line)");
        }
        this.usersFile = Path.of(usersFile.trim());
    }

    public void setRealm(String realm) {
        if (realm == null || !REALM.matcher(realm).matches()) {
            throw new IllegalArgumentException("basic auth check realm=" + realm + " is invalid: expected printable"
                    + " ASCII without '\"' or '\\'");
        }
        this.realm = realm;
    }

    public void setUserHeader(String userHeader) {
        String v = userHeader == null ? "" : userHeader.trim();
        if (!TOKEN.matcher(v).matches()) {
            throw new IllegalArgumentException("basic auth check userHeader=" + userHeader
                    + " is invalid: expected a header name such as X-Authenticated-User");
        }
        this.userHeader = v;
    }

    public void setReloadInterval(String reloadInterval) {
        Duration d = SettingValues.duration("basic auth check reloadInterval", reloadInterval);
        if (d.isZero()) {
            throw new IllegalArgumentException(
                    "basic auth check reloadInterval=" + reloadInterval + " is invalid: expected more than 0");
        }
        this.reloadInterval = d;
    }

    public void setThreads(int threads) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("basic auth check threads=" + threads + " is invalid: expected 1 to 64");
        }
        this.threads = threads;
    }

    public void setQueue(int queue) {
        if (queue < 1 || queue > 100_000) {
            throw new IllegalArgumentException("basic auth check queue=" + queue + " is invalid: expected 1 to 100000");
        }
        this.queue = queue;
    }

    /** How long a verified user and password are remembered; 0 verifies every request. */
    public void setCacheTtl(String cacheTtl) {
        this.cacheTtl = SettingValues.duration("basic auth check cacheTtl", cacheTtl);
    }

    public void setCacheSize(long cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException(
                    "basic auth check cacheSize=" + cacheSize + " is invalid: expected 1 or more");
        }
        this.cacheSize = cacheSize;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        if (usersFile == null) {
            throw new IllegalArgumentException(
                    "basic auth check: set usersFile (an htpasswd file of bcrypt or argon2" + " hashes)");
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
        identity = IdentityHeaders.of(userHeader);
        CredentialFile<UserFile> file = new CredentialFile<>("basic auth check usersFile", usersFile, UserFile::parse);
        if (file.current().size() == 0) {
            LOG.warn("basic auth check usersFile {} has no users: every request is refused", usersFile);
        }
        file.watch(context(), reloadInterval);
        users = file;
        verified = cacheTtl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(cacheSize)
                        .expireAfterWrite(cacheTtl)
                        .build();
    }

    @Override
    protected void doStop() throws Exception {
        CredentialFile<UserFile> file = users;
        if (file != null) {
            file.stopWatching();
        }
        // Verifications already queued still finish and answer their requests.
        ExecutorService p = pool;
        if (p != null) {
            pool = null;
            context().getExecutorServiceManager().shutdown(p);
        }
        super.doStop();
    }

    @Override
    protected String kind() {
        return "basic-auth";
    }

    @Override
    protected Verdict check(Exchange exchange) {
        throw new UnsupportedOperationException("decided by check(exchange, done)");
    }

    @Override
    protected void check(Exchange exchange, Consumer<Verdict> done) {
        Message message = exchange.getMessage();
        identity.removeFrom(message);
        Object header = message.getHeader("Authorization");
        if (header instanceof List<?>) {
            done.accept(Verdict.unauthorized(challenge, "more than one Authorization header"));
            return;
        }
        BasicCredentials credentials = BasicCredentials.parse(header == null ? null : header.toString());
        if (credentials == null) {
            done.accept(Verdict.unauthorized(challenge, "credentials missing"));
            return;
        }
        if (credentials == BasicCredentials.MALFORMED) {
            done.accept(Verdict.unauthorized(challenge, "credentials malformed"));
            return;
        }
        UserFile file = users.current();
        String stored = file.hashOf(credentials.user());
        String hash = stored != null ? stored : file.dummyHash();
        Cache<SecretDigest, Boolean> cache = verified;
        SecretDigest key = cache == null || stored == null
                ? null
                : SecretDigest.salted(cacheSalt, credentials.user(), credentials.password(), stored);
        if (key != null && cache.getIfPresent(key) != null) {
            done.accept(allowed(message, credentials.user()));
            return;
        }
        try {
            pool().execute(() -> {
                boolean ok = verify(credentials, hash) && stored != null;
                if (ok && key != null) {
                    cache.put(key, Boolean.TRUE);
                }
                onEventLoop(
                        exchange,
                        () -> done.accept(
                                ok
                                        ? allowed(message, credentials.user())
                                        : Verdict.unauthorized(challenge, "user or password not valid")));
            });
        } catch (RejectedExecutionException e) {
            done.accept(Verdict.unavailable("too many logins are being checked, try again"));
        }
    }

    private static boolean verify(BasicCredentials credentials, String hash) {
        try {
            return PasswordHashes.verify(credentials.password(), hash);
        } catch (RuntimeException e) {
            // the hashes were checked when the file was read; never log the hash or the password
            LOG.warn(
                    "basic auth check: verifying user {} failed: {}",
                    credentials.user(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private Verdict allowed(Message message, String user) {
        if (!isForwardCredentials()) {
            message.removeHeader("Authorization");
        }
        if (userHeader != null) {
            message.setHeader(userHeader, user);
        }
        return Verdict.allow();
    }

    /** Continues on the client connection's event loop, where the rest of the route expects to run. */
    private static void onEventLoop(Exchange exchange, Runnable next) {
        Object ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext channel && !channel.executor().isShuttingDown()) {
            try {
                channel.executor().execute(next);
                return;
            } catch (RejectedExecutionException e) {
                // the event loop is shutting down: finish here
            }
        }
        next.run();
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    // idle threads end, so a check replaced by a route reload leaves nothing behind
                    p = context()
                            .getExecutorServiceManager()
                            .newThreadPool(
                                    this,
                                    "serai-basic-auth",
                                    new ThreadPoolProfileBuilder("serai-basic-auth")
                                            .poolSize(threads)
                                            .maxPoolSize(threads)
                                            .keepAliveTime(30L, TimeUnit.SECONDS)
                                            .maxQueueSize(queue)
                                            .allowCoreThreadTimeOut(true)
                                            .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                                            .build());
                    pool = p;
                }
            }
        }
        return p;
    }
}
