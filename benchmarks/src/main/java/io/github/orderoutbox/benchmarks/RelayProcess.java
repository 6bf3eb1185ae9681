package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged relay jar running as its own process, watched through its Prometheus endpoint. */
final class RelayProcess implements AutoCloseable {

    private static final Pattern PUBLISHED = Pattern.compile("(?m)^relay_events_published_total\\{[^}]*} ([0-9.eE+]+)$");
    private static final Pattern LEASES = Pattern.compile("(?m)^relay_leases_held\\{[^}]*} ([0-9.eE+]+)$");

    private final ServiceProcess service;

    private RelayProcess(ServiceProcess service) {
        this.service = service;
    }

    static Path findJar(Path root) throws IOException {
        return ServiceProcess.findJar(root, "outbox-relay");
    }

    static RelayProcess start(Path jar, BenchmarkDatabase db, Map<String, String> settings, Path log) throws IOException {
        Map<String, String> all = db.serviceSettings();
        all.put("relay.topics.order", db.topic);
        all.putAll(settings);
        return new RelayProcess(ServiceProcess.start(jar, List.of("-Xmx512m"), all, log));
    }

    /** Waits until the relay answers and holds at least one bucket. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            service.requireAlive("relay");
            try {
                if (metric(LEASES, "?includedNames=relay_leases_held") > 0) {
                    return;
                }
            } catch (IOException notYetListening) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("relay not ready within " + timeout);
    }

    /** Events published so far; asks for that one series only, so frequent polling costs the relay little. */
    double published() throws IOException, InterruptedException {
        return metric(PUBLISHED, "?includedNames=relay_events_published");
    }

    /** Milliseconds per cycle spent in each phase (claim, send, ack, mark), from the relay's own timers. */
    String phases() throws IOException, InterruptedException {
        String body = prometheus();
        StringBuilder out = new StringBuilder();
        for (String phase : new String[] {"claim", "send", "ack", "mark"}) {
            double sum = value(body, "relay_cycle_phase_seconds_sum", phase);
            double count = value(body, "relay_cycle_phase_seconds_count", phase);
            out.append(String.format("%s %.1f ms, ", phase, count == 0 ? 0 : 1000 * sum / count));
        }
        out.append(commitToAck(body));
        double batches = value(body, "relay_batch_size_rows_count", null);
        double rows = value(body, "relay_batch_size_rows_sum", null);
        return out.append(String.format("%.0f cycles of %.0f rows on average", batches, batches == 0 ? 0 : rows / batches)).toString();
    }

    /** p50 and p99 of the relay's own commit-to-acknowledgement histogram (upper bucket bounds). */
    private static String commitToAck(String body) {
        Matcher m = Pattern.compile("(?m)^relay_commit_to_ack_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)$").matcher(body);
        java.util.List<double[]> buckets = new java.util.ArrayList<>();
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.add(new double[] {le, Double.parseDouble(m.group(2))});
        }
        if (buckets.isEmpty()) {
            return "";
        }
        double total = buckets.get(buckets.size() - 1)[1];
        return String.format("commit-to-ack p50 <= %.1f ms, p99 <= %.1f ms, ", 1000 * upperBound(buckets, total * 0.5),
                1000 * upperBound(buckets, total * 0.99));
    }

    private static double upperBound(java.util.List<double[]> buckets, double rank) {
        for (double[] bucket : buckets) {
            if (bucket[1] >= rank) {
                return bucket[0];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double value(String body, String name, String phase) {
        Pattern pattern = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.eE+]+)$");
        Matcher m = pattern.matcher(body);
        while (m.find()) {
            if (phase == null || m.group(1).contains("phase=\"" + phase + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private String prometheus() throws IOException, InterruptedException {
        return service.prometheus("");
    }

    private double metric(Pattern pattern, String query) throws IOException, InterruptedException {
        Matcher m = pattern.matcher(service.prometheus(query));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    long pid() {
        return service.pid();
    }

    Duration cpu() {
        return service.cpu();
    }

    @Override
    public void close() throws InterruptedException {
        service.close();
    }
}
