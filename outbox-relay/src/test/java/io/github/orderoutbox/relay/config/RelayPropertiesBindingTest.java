package io.github.orderoutbox.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RelayPropertiesBindingTest {

    private static RelayProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("relay", RelayProperties.class);
    }

    @Test
    void bindsWithNoRelaySettingAtAllAndSendsOrdersToOrdersEvents() {
        assertThat(bind(Map.of()).topics()).containsExactly(Map.entry("order", "orders.events"));
    }

    @Test
    void aGivenTopicMapReplacesTheDefault() {
        assertThat(bind(Map.of("relay.topics.customer", "customers.events")).topics())
                .containsExactly(Map.entry("customer", "customers.events"));
    }
}
