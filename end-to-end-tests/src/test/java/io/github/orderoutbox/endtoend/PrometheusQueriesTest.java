package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.endtoend.files.PrometheusQueries;
import org.junit.jupiter.api.Test;

/** The metric names {@link ExportedMetricsIT} looks for are the ones a query reads, and only those. */
class PrometheusQueriesTest {

    @Test
    void readsTheMetricsOfAQueryNotItsFunctionsLabelsOrRanges() {
        assertThat(PrometheusQueries.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(relay_commit_to_ack_seconds_bucket{job=\"outbox-relay\"}[$__rate_interval])))"))
                .containsExactly("relay_commit_to_ack_seconds_bucket");
        assertThat(PrometheusQueries.metricNames(
                "sum(max by (partition) (consumer_group_lag_records)) > 10000 and sum(max by (partition) (delta(consumer_group_lag_records[5m]))) >= 0"))
                .containsExactly("consumer_group_lag_records");
        assertThat(PrometheusQueries.metricNames("sum(rate(a_total[5m] offset 1h)) / on (instance) group_left (pipe) b_seconds_count"))
                .containsExactly("a_total", "b_seconds_count");
        assertThat(PrometheusQueries.metricNames("absent(relay_leases_held)")).containsExactly("relay_leases_held");
    }

    @Test
    void findsTheQueriesOfTheDashboardsAndTheAlertRules() {
        assertThat(PrometheusQueries.shipped().keySet())
                .anyMatch(where -> where.startsWith("deploy/grafana/dashboards/order-outbox.json"))
                .anyMatch(where -> where.startsWith("deploy/prometheus/outbox-relay-alerts.yml"))
                .anyMatch(where -> where.startsWith("deploy/prometheus/event-consumer-alerts.yml"));
    }
}
