package io.serai.camel;

import org.apache.camel.spi.HeadersMapFactory;

import java.util.Map;

/**
 * Gives every Camel message {@link CaseInsensitiveHeaders} instead of Camel's tree map. Camel finds it
 * through {@code META-INF/services/org/apache/camel/headers-map-factory}, as it would find
 * {@code camel-headersmap}'s.
 */
public final class CaseInsensitiveHeadersFactory implements HeadersMapFactory {

    @Override
    public Map<String, Object> newMap() {
        return new CaseInsensitiveHeaders();
    }

    @Override
    public Map<String, Object> newMap(Map<String, Object> map) {
        return new CaseInsensitiveHeaders(map);
    }

    @Override
    public boolean isInstanceOf(Map<String, Object> map) {
        return map instanceof CaseInsensitiveHeaders;
    }

    @Override
    public boolean isCaseInsensitive() {
        return true;
    }
}
