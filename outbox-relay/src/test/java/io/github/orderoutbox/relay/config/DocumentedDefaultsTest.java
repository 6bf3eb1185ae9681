package io.github.orderoutbox.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.testsupport.documentation.SettingsTable;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** docs/relay.md's settings table and the defaults the relay binds cannot drift apart. */
class DocumentedDefaultsTest {

    @Test
    void documentsEveryRelaySettingWithTheDefaultItBindsWhenNothingIsSet() throws Exception {
        RelayProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("relay", RelayProperties.class);

        assertThat(SettingsTable.read(Path.of("..", "docs", "relay.md"), "relay").disagreementsWith(defaults)).isEmpty();
    }
}
