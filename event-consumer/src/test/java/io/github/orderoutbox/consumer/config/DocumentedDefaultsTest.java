package io.github.orderoutbox.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.testsupport.documentation.SettingsTable;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** docs/consumer.md's settings table and the defaults the consumer binds cannot drift apart. */
class DocumentedDefaultsTest {

    @Test
    void documentsEveryConsumerSettingWithTheDefaultItBindsWhenNothingIsSet() throws Exception {
        ConsumerProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("consumer", ConsumerProperties.class);

        assertThat(SettingsTable.read(Path.of("..", "docs", "consumer.md"), "consumer").disagreementsWith(defaults))
                .isEmpty();
    }
}
