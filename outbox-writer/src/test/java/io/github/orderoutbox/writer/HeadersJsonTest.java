package io.github.orderoutbox.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class HeadersJsonTest {

    @Test
    void writesNoHeadersAsNull() {
        assertThat(HeadersJson.of(Map.of())).isNull();
    }

    @Test
    void writesASortedFlatObject() {
        assertThat(HeadersJson.of(Map.of("b", "2", "a", "1"))).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void escapesWhatJsonRequires() {
        Map<String, String> headers = Map.of("na\"me", "quote \" backslash \\ newline \n cr \r tab \t bell \u0007 é €");

        String json = HeadersJson.of(headers);

        assertThat(json).doesNotContain("\n", "\r", "\t", "\u0007").contains("\\u0007");
        assertThat(JsonMapper.builder().build().readValue(json, Map.class)).isEqualTo(headers);
    }
}
