package io.serai.security;

import io.serai.security.credentials.ApiKeys;
import io.serai.security.credentials.CredentialFile;
import io.serai.security.credentials.IdentityHeaders;
import io.serai.security.credentials.QueryParameters;
import io.serai.settings.SettingValues;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Lets a request on when it carries one of the API keys, in a header ({@code header}, by default
 * X-Api-Key) or a query parameter ({@code query}). The keys come from {@code keys} (comma-separated
 * {@code name:key} or plain keys, e.g. {@code "{{api.keys}}"}) and/or {@code keysFile} (one a line,
 * re-read when it changes). A missing or wrong key is 401 with {@code WWW-Authenticate: ApiKey
 * header="X-Api-Key"} (or {@code query="..."}): a wrong key authenticates no one, which is what 401
 * means (RFC 9110 section 15.5.2); 403 is for a known client that may not do something. The key is
 * removed from what the backend receives unless {@code forwardCredentials}; {@code identityHeader}
 * passes the key's name instead (a client's own copy of that header, in any case and with {@code _} for
 * {@code -}, is always removed).
 */
public class ApiKeyCheck extends AccessCheck {

    static final String DEFAULT_HEADER = "X-Api-Key";
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z0-9._~-]+");

    private String header;
    private String query;
    private String keys;
    private Path keysFile;
    private String identityHeader;
    private Duration reloadInterval = Duration.ofSeconds(5);

    private String readHeader;
    private IdentityHeaders identity = IdentityHeaders.NONE;
    private String challenge;
    private List<ApiKeys.Entry> settingKeys = List.of();
    private ApiKeys fixedKeys;
    private volatile Supplier<ApiKeys> current;
    private CredentialFile<ApiKeys> file;

    public void setHeader(String header) {
        this.header = token("header", header);
    }

    public void setQuery(String query) {
        String q = query == null ? "" : query.trim();
        if (!PARAMETER.matcher(q).matches()) {
            throw new IllegalArgumentException("api key check query=" + query + " is invalid: expected a query"
                    + " parameter name such as api_key (letters, digits, . _ ~ -)");
        }
        this.query = q;
    }

    public void setKeys(String keys) {
        // Kept as given and read when the check starts: Camel's message for a setter that throws repeats the
        // value, and this one holds keys.
        this.keys = keys;
    }

    public void setKeysFile(String keysFile) {
        if (keysFile == null || keysFile.isBlank()) {
            throw new IllegalArgumentException("api key check keysFile is empty: expected the path of a file of keys");
        }
        this.keysFile = Path.of(keysFile.trim());
    }

    public void setIdentityHeader(String identityHeader) {
        this.identityHeader = token("identityHeader", identityHeader);
    }

    public void setReloadInterval(String reloadInterval) {
        Duration d = SettingValues.duration("api key check reloadInterval", reloadInterval);
        if (d.isZero()) {
            throw new IllegalArgumentException(
                    "api key check reloadInterval=" + reloadInterval + " is invalid: expected more than 0");
        }
        this.reloadInterval = d;
    }

    private static String token(String setting, String value) {
        String v = value == null ? "" : value.trim();
        if (!TOKEN.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    "api key check " + setting + "=" + value + " is invalid: expected a header name such as X-Api-Key");
        }
        return v;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        readHeader = header != null ? header : query == null ? DEFAULT_HEADER : null;
        if (identityHeader != null && identityHeader.equalsIgnoreCase(readHeader)) {
            throw new IllegalArgumentException("api key check identityHeader=" + identityHeader
                    + " is the header the key is read from: choose another name, e.g. X-Api-Key-Name");
        }
        challenge = challenge(readHeader, query);
        identity = IdentityHeaders.of(identityHeader);
        try {
            settingKeys = ApiKeys.fromSetting(keys);
            fixedKeys = ApiKeys.of(settingKeys, identityHeader != null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api key check " + e.getMessage());
        }
        if (keysFile == null && settingKeys.isEmpty()) {
            throw new IllegalArgumentException(
                    "api key check: set keys (comma-separated name:key or key)" + " or keysFile");
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (keysFile == null) {
            ApiKeys fixed = fixedKeys;
            current = () -> fixed;
            return;
        }
        List<ApiKeys.Entry> inline = settingKeys;
        boolean named = identityHeader != null;
        file = new CredentialFile<>("api key check keysFile", keysFile, lines -> {
            List<ApiKeys.Entry> all = new ArrayList<>(inline);
            all.addAll(ApiKeys.fromLines(lines));
            return ApiKeys.of(all, named);
        });
        file.watch(context(), reloadInterval);
        current = file::current;
    }

    @Override
    protected void doStop() throws Exception {
        if (file != null) {
            file.stopWatching();
        }
        super.doStop();
    }

    static String challenge(String header, String query) {
        StringBuilder c = new StringBuilder("ApiKey ");
        if (header != null) {
            c.append("header=\"").append(header).append('"');
        }
        if (query != null) {
            c.append(header != null ? ", " : "")
                    .append("query=\"")
                    .append(query)
                    .append('"');
        }
        return c.toString();
    }

    @Override
    protected String kind() {
        return "api-key";
    }

    @Override
    protected Verdict check(Exchange exchange) {
        Message message = exchange.getMessage();
        identity.removeFrom(message);
        int count = 0;
        String presented = null;
        if (readHeader != null) {
            Object value = message.getHeader(readHeader);
            if (value instanceof List<?> values) {
                count += values.size();
                presented = values.isEmpty() ? null : String.valueOf(values.get(0));
            } else if (value != null) {
                count++;
                presented = value.toString();
            }
        }
        String rawQuery = null;
        if (query != null) {
            rawQuery = rawQuery(message);
            QueryParameters.Found found = QueryParameters.find(rawQuery, query);
            count += found.count();
            if (presented == null) {
                presented = found.first();
            }
        }
        if (count == 0) {
            return Verdict.unauthorized(challenge, "API key missing");
        }
        if (count > 1) {
            return Verdict.unauthorized(challenge, "more than one API key");
        }
        String name = current.get().nameOf(presented);
        if (name == null) {
            return Verdict.unauthorized(challenge, "API key not valid");
        }
        if (!isForwardCredentials()) {
            if (readHeader != null) {
                message.removeHeader(readHeader);
            }
            if (rawQuery != null) {
                setRawQuery(message, QueryParameters.without(rawQuery, query));
            }
        }
        if (identityHeader != null) {
            message.setHeader(identityHeader, name);
        }
        return Verdict.allow();
    }

    private static String rawQuery(Message message) {
        String raw = message.getHeader(NettyHttpConstants.HTTP_RAW_QUERY, String.class);
        return raw != null ? raw : message.getHeader(NettyHttpConstants.HTTP_QUERY, String.class);
    }

    /** The query the backend gets: Serai's upstream reads the raw query, Camel's clients may read either. */
    private static void setRawQuery(Message message, String query) {
        if (query == null) {
            message.removeHeader(NettyHttpConstants.HTTP_RAW_QUERY);
            message.removeHeader(NettyHttpConstants.HTTP_QUERY);
        } else {
            message.setHeader(NettyHttpConstants.HTTP_RAW_QUERY, query);
            message.setHeader(NettyHttpConstants.HTTP_QUERY, query);
        }
    }
}
