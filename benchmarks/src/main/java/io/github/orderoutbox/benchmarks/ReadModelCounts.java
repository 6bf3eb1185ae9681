package io.github.orderoutbox.benchmarks;

import java.math.BigDecimal;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the read model holds after a drain, in a few numbers: the generator predicts them, the
 * database is counted, and a run only counts if the two are equal. A consumer that is fast because
 * it skips, loses or dead-letters events fails here.
 *
 * @param appliedEvents rows of {@code read_model.applied_event}: every distinct event exactly once
 * @param orders        rows of {@code order_summary}
 * @param statuses      orders per status
 * @param lines         rows of {@code order_line}
 * @param unknownLines  lines whose sku was not found in the catalogue (the generator uses known skus only)
 * @param ordersPlaced  the sum of {@code customer_summary.orders_placed}
 * @param ordersCancelled the sum of {@code customer_summary.orders_cancelled}
 * @param totalPaid     the sum of {@code customer_summary.total_paid}, over currencies
 * @param blocked       blocked orders (some event of theirs was dead-lettered)
 * @param parked        parked records
 */
record ReadModelCounts(long appliedEvents, long orders, SortedMap<String, Long> statuses, long lines, long unknownLines,
                       long ordersPlaced, long ordersCancelled, BigDecimal totalPaid, long blocked, long parked) {

    static final String COUNT = """
            SELECT (SELECT count(*) FROM read_model.applied_event),
                   (SELECT count(*) FROM read_model.order_summary),
                   (SELECT count(*) FROM read_model.order_line),
                   (SELECT count(*) FROM read_model.order_line WHERE NOT product_known),
                   (SELECT coalesce(sum(orders_placed), 0) FROM read_model.customer_summary),
                   (SELECT coalesce(sum(orders_cancelled), 0) FROM read_model.customer_summary),
                   (SELECT coalesce(sum(total_paid), 0) FROM read_model.customer_summary),
                   (SELECT count(*) FROM read_model.blocked_order),
                   (SELECT count(*) FROM read_model.parked_event)
            """;

    static final String COUNT_STATUSES = "SELECT status, count(*) FROM read_model.order_summary GROUP BY status";

    ReadModelCounts {
        statuses = new TreeMap<>(statuses);
        totalPaid = totalPaid.setScale(2);
    }

    /** The read model of two streams of events with different orders, applied into one database. */
    ReadModelCounts plus(ReadModelCounts other) {
        SortedMap<String, Long> both = new TreeMap<>(statuses);
        other.statuses.forEach((status, count) -> both.merge(status, count, Long::sum));
        return new ReadModelCounts(appliedEvents + other.appliedEvents, orders + other.orders, both, lines + other.lines,
                unknownLines + other.unknownLines, ordersPlaced + other.ordersPlaced, ordersCancelled + other.ordersCancelled,
                totalPaid.add(other.totalPaid), blocked + other.blocked, parked + other.parked);
    }

    static ReadModelCounts read(JdbcTemplate jdbc) {
        SortedMap<String, Long> statuses = new TreeMap<>();
        jdbc.query(COUNT_STATUSES, rs -> {
            statuses.put(rs.getString(1), rs.getLong(2));
        });
        return jdbc.queryForObject(COUNT, (rs, row) -> new ReadModelCounts(rs.getLong(1), rs.getLong(2), statuses,
                rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getBigDecimal(7), rs.getLong(8), rs.getLong(9)));
    }
}
