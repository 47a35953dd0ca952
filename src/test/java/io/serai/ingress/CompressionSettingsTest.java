package io.serai.ingress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The type list's grammar (type/*, type/*+suffix, parameters, case) and the checks made at start. */
class CompressionSettingsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            text/html; charset=utf-8          | true
            TEXT/Plain                        | true
            application/json                  | true
            application/problem+json          | true
            application/vnd.api+json; v=2     | true
            application/javascript            | true
            application/atom+xml              | true
            image/svg+xml                     | true
            text/event-stream                 | false
            text/event-stream; charset=utf-8  | false
            application/grpc                  | false
            application/grpc+proto            | false
            application/json-seq              | false
            application/octet-stream          | false
            image/png                         | false
            json                              | false
            -                                 | false
            """)
    void theDefaultListCompressesTextLikeTypesOnly(String contentType, boolean compressible) {
        assertEquals(compressible, CompressionSettings.DEFAULTS.compressible(contentType));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            serai.compression.gzip-level     | 0
            serai.compression.gzip-level     | 10
            serai.compression.brotli-quality | 12
            serai.compression.min-size       | a lot
            serai.compression.types          | json, text/*
            serai.compression.types          | application/json/x
            """)
    void aBadValueFailsTheStartNamingItsKey(String key, String value) {
        Map<String, String> properties = Map.of(key, value);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(properties::get));
        assertTrue(e.getMessage().startsWith("Setting " + key + "=" + value + " is invalid"), e.getMessage());
    }
}
