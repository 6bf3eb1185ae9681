package io.github.orderoutbox.writer;

import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a map of string headers as the JSON object stored in {@code outbox.headers}, without
 * needing a JSON library. An empty map is stored as SQL null, the column's "no extra headers".
 */
final class HeadersJson {

    private HeadersJson() {
    }

    /** The headers as a JSON object, or null when there are none. */
    static String of(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        StringBuilder json = new StringBuilder("{");
        // Sorted, so the same headers always give the same text (jsonb sorts its keys anyway).
        new TreeMap<>(headers).forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, name);
            json.append(':');
            appendString(json, value);
        });
        return json.append('}').toString();
    }

    // RFC 8259 section 7: quote, backslash and the control characters U+0000..U+001F must be
    // escaped; everything else may stand as it is. Postgres rejects \u0000 in jsonb text, so a
    // header holding it fails at insert rather than being silently changed here.
    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
