package io.github.orderoutbox.relay.it;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the writers committed: the number of events of each order, read from the orders table. */
final class ExpectedEvents {

    private ExpectedEvents() {
    }

    static Map<String, Integer> byOrder(JdbcTemplate jdbc) {
        Map<String, Integer> expected = new HashMap<>();
        jdbc.query("SELECT id, version FROM shop_order WHERE version > 0", rs -> {
            expected.put(rs.getString("id"), rs.getInt("version"));
        });
        return expected;
    }

    static int total(Map<String, Integer> byOrder) {
        return byOrder.values().stream().mapToInt(Integer::intValue).sum();
    }
}
