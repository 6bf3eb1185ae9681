package io.github.orderoutbox.endtoend.files;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.jayway.jsonpath.JsonPath;
import org.yaml.snakeyaml.Yaml;

/**
 * The PromQL of the shipped monitoring files (every {@code expr} of the Grafana dashboards under
 * {@code deploy/grafana} and of the alert rules under {@code deploy/prometheus}), and the metric names
 * each query reads.
 */
public final class PrometheusQueries {

    /** Series Prometheus makes itself for every target; no service exports them. */
    public static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w.])\\s*(\\()?");

    private PrometheusQueries() {
    }

    /** Every query of the shipped dashboards and alert rules, keyed by where it is written. */
    public static Map<String, String> shipped() {
        Map<String, String> queries = new TreeMap<>();
        Path root = ProjectFiles.root();
        for (Path file : files(root.resolve("deploy/grafana"), ".json")) {
            List<String> expressions = JsonPath.read(read(file), "$..targets[*].expr");
            for (int i = 0; i < expressions.size(); i++) {
                queries.put(root.relativize(file) + " target " + (i + 1), expressions.get(i));
            }
        }
        for (Path file : files(root.resolve("deploy/prometheus"), ".yml")) {
            Map<String, Object> document = new Yaml().load(read(file));
            Object groups = document == null ? null : document.get("groups");
            if (groups instanceof List<?> list) {
                for (Object group : list) {
                    for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                        Map<?, ?> r = (Map<?, ?>) rule;
                        Object name = r.get("alert") != null ? r.get("alert") : r.get("record");
                        queries.put(root.relativize(file) + " " + name, String.valueOf(r.get("expr")));
                    }
                }
            }
        }
        return queries;
    }

    /**
     * The metric names a query reads: what is left after label matchers, range selectors, grouping
     * label lists, strings, numbers, keywords and function names are taken out. For example
     * {@code histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{a="b"}[1m])))} reads
     * {@code x_seconds_bucket}.
     */
    public static Set<String> metricNames(String query) {
        String text = QUOTED.matcher(query).replaceAll("\"\"");
        text = LABEL_MATCHERS.matcher(text).replaceAll(" ");
        text = RANGES.matcher(text).replaceAll(" ");
        text = LABEL_LISTS.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            boolean function = matcher.group(2) != null;
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<Path> files(Path folder, String suffix) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            return new ArrayList<>(paths.filter(p -> p.toString().endsWith(suffix)).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
