package io.github.orderoutbox.testsupport.documentation;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of a service's settings tables in its markdown page (the tables headed
 * {@code | setting | default | meaning |}), held against the record that binds those settings:
 * every component of the record must have a row, every row a component, and the documented
 * default must be the value bound when nothing is set.
 *
 * <p>A row may name several settings, as the docs do for neighbours:
 * {@code | `relay.poll-interval-min` / `max` | `9ms` / `250ms` | ... |} is
 * {@code relay.poll-interval-min=9ms} and {@code relay.poll-interval-max=250ms}; a later name is
 * either complete after the prefix ({@code `heartbeat-interval`}) or replaces the first name's last
 * word ({@code `max`}, {@code `-max`}). A map is written {@code `relay.topics.<type>`} or
 * {@code `relay.producer.*`}, its default as {@code `key=value`} or, when empty, without a value.
 * Durations compare as durations ({@code 5m} equals {@code 300s}), numbers as numbers
 * ({@code 100,000} equals {@code 100000}), everything else as text.
 */
public final class SettingsTable {

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern DURATION = Pattern.compile("(-?\\d+)(ns|us|ms|s|m|h|d)");
    private static final Map<String, ChronoUnit> UNITS = Map.of("ns", ChronoUnit.NANOS, "us", ChronoUnit.MICROS,
            "ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS,
            "d", ChronoUnit.DAYS);

    /** One row of a table, its cells as written. */
    private record Row(int line, String names, String defaults) {
    }

    private final Path page;
    private final String prefix;
    private final List<Row> rows;

    private SettingsTable(Path page, String prefix, List<Row> rows) {
        this.page = page;
        this.prefix = prefix;
        this.rows = rows;
    }

    /** Reads the rows of {@code prefix.*} settings from every settings table of {@code page}. */
    public static SettingsTable read(Path page, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        boolean inSettingsTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("|")) {
                inSettingsTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (cells.size() >= 2 && cells.get(0).equals("setting")) {
                inSettingsTable = cells.get(1).equals("default");
            } else if (inSettingsTable && cells.size() >= 2 && cells.get(0).startsWith("`" + prefix + ".")) {
                rows.add(new Row(i + 1, cells.get(0), cells.get(1)));
            }
        }
        return new SettingsTable(page, prefix, rows);
    }

    /**
     * What the page and the record bound with no settings disagree on, one line each (empty when
     * they agree).
     */
    public List<String> disagreementsWith(Record defaults) {
        Map<String, Object> bound = new LinkedHashMap<>();
        for (RecordComponent component : defaults.getClass().getRecordComponents()) {
            try {
                bound.put(prefix + "." + kebab(component.getName()), component.getAccessor().invoke(defaults));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
        List<String> disagreements = new ArrayList<>();
        Map<String, Integer> documentedAt = new LinkedHashMap<>();
        for (Row row : rows) {
            List<String> names = names(row.names(), bound);
            List<String> values = values(row.defaults(), names.size());
            if (values.size() != names.size()) {
                disagreements.add(where(row) + names.size() + " settings but " + values.size() + " defaults: " + row.defaults());
                names.forEach(name -> documentedAt.putIfAbsent(name, row.line()));
                continue;
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Integer earlier = documentedAt.putIfAbsent(name, row.line());
                if (earlier != null) {
                    disagreements.add(where(row) + name + " is documented twice (also line " + earlier + ")");
                } else if (!bound.containsKey(name)) {
                    disagreements.add(where(row) + name + " is documented but is no component of "
                            + defaults.getClass().getSimpleName());
                } else {
                    String problem = compare(bound.get(name), values.get(i));
                    if (problem != null) {
                        disagreements.add(where(row) + name + ": " + problem);
                    }
                }
            }
        }
        bound.keySet().stream().filter(name -> !documentedAt.containsKey(name))
                .forEach(name -> disagreements.add(page + ": " + name + " (default " + bound.get(name)
                        + ") has no row in a settings table"));
        return disagreements;
    }

    private String where(Row row) {
        return page + ":" + row.line() + ": ";
    }

    /** {@code `relay.lease-ttl` / `heartbeat-interval`} as full names; a map's {@code .*} or {@code .<type>} dropped. */
    private List<String> names(String cell, Map<String, Object> bound) {
        List<String> names = new ArrayList<>();
        String first = null;
        for (String part : cell.split("\\s*(/|,)\\s*")) {
            String name = unquote(part).replaceAll("\\.(\\*|<[^>]*>)$", "");
            if (first == null) {
                first = name;
            } else if (name.startsWith("-")) {
                name = stem(first) + name;
            } else if (!name.startsWith(prefix + ".")) {
                String complete = prefix + "." + name;
                name = bound.containsKey(complete) ? complete : stem(first) + "-" + name;
            }
            names.add(name);
        }
        return names;
    }

    /** {@code relay.poll-interval-min} gives {@code relay.poll-interval}. */
    private static String stem(String name) {
        return name.substring(0, name.lastIndexOf('-'));
    }

    /** The defaults of a row, one per name: each the code in its part, or the part's text without code. */
    private static List<String> values(String cell, int names) {
        if (cell.isBlank()) {
            return new ArrayList<>(Collections.nCopies(names, ""));
        }
        List<String> values = new ArrayList<>();
        for (String part : cell.split("\\s+/\\s+")) {
            Matcher code = CODE.matcher(part);
            values.add(code.find() ? code.group(1) : part.strip());
        }
        return values;
    }

    /** Null when {@code documented} is the bound value, else what differs. */
    private static String compare(Object value, String documented) {
        String shown = "documented " + (documented.isEmpty() ? "without a default" : "`" + documented + "`")
                + ", bound " + value;
        if (value instanceof Duration duration) {
            Duration parsed = duration(documented);
            return duration.equals(parsed) ? null : shown;
        }
        if (value instanceof Map<?, ?> map) {
            return map.equals(entries(documented)) ? null : shown;
        }
        if (value instanceof Number number) {
            String digits = documented.replace(",", "").replace("_", "");
            try {
                return new BigDecimal(number.toString()).compareTo(new BigDecimal(digits)) == 0 ? null : shown;
            } catch (NumberFormatException e) {
                return shown;
            }
        }
        String text = value instanceof Enum<?> constant ? constant.name() : String.valueOf(value);
        return text.equals(documented) ? null : shown;
    }

    /** {@code 5m} as five minutes; null when it is no duration. */
    private static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        return matcher.matches() ? Duration.of(Long.parseLong(matcher.group(1)), UNITS.get(matcher.group(2))) : null;
    }

    /** {@code order=orders.events, customer=customers.events}; text that is no such list (or none) is the empty map. */
    private static Map<String, String> entries(String text) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (!text.contains("=")) {
            return entries;
        }
        for (String entry : text.split("\\s*,\\s*")) {
            String[] pair = entry.split("=", 2);
            entries.put(pair[0].strip(), pair.length == 2 ? pair[1].strip() : "");
        }
        return entries;
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static String unquote(String part) {
        return part.strip().replace("`", "");
    }

    /** {@code pollIntervalMin} gives {@code poll-interval-min}. */
    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
