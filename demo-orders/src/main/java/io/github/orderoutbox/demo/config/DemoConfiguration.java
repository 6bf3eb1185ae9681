package io.github.orderoutbox.demo.config;

import io.github.orderoutbox.demo.order.OrderRepository;
import io.github.orderoutbox.demo.order.Orders;
import io.github.orderoutbox.demo.progress.DemoProgress;
import io.github.orderoutbox.demo.traffic.OrderMix;
import io.github.orderoutbox.demo.traffic.OrderTraffic;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.writer.JacksonPayloads;
import io.github.orderoutbox.writer.OutboxWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The demo's parts, assembled in one place: the orders service (business rows and outbox rows in
 * one transaction of the application's data source), the traffic that drives it, and its counters.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoProperties.class)
public class DemoConfiguration {

    @Bean
    Orders orders(DataSource dataSource, PlatformTransactionManager transactionManager) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // The writer and the repository share the data source of the transaction manager, so both
        // run on the connection of the same transaction; OutboxWriter refuses to write outside one.
        return new Orders(transactionManager, new OrderRepository(jdbc), new OutboxWriter(jdbc),
                new JacksonPayloads(new EventJson().mapper()), Clock.systemUTC());
    }

    @Bean
    DemoProgress demoProgress(MeterRegistry registry) {
        return new DemoProgress(registry);
    }

    @Bean
    OrderTraffic orderTraffic(Orders orders, DemoProgress progress, DemoProperties properties) {
        return new OrderTraffic(orders, new OrderMix(Clock.systemUTC()), progress, properties.traffic());
    }
}
