package io.github.orderoutbox.demo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class DemoPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DemoProperties.class)
    static class PropertiesOnly {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class);

    @Test
    void bindsTheDocumentedDefaultsWhenNothingIsSet() {
        context.run(started -> {
            DemoProperties properties = started.getBean(DemoProperties.class);
            assertThat(properties.rate()).isEqualTo(50.0);
            assertThat(properties.orders()).isZero();
            assertThat(properties.poisonEvery()).isZero();
            assertThat(properties.stepDelay()).isEqualTo(Duration.ofSeconds(2));
            assertThat(properties.threads()).isEqualTo(4);
            assertThat(properties.poisonHold()).isEqualTo(Duration.ofSeconds(2));
            assertThat(properties.traffic().placementInterval()).isEqualTo(Duration.ofMillis(20));
        });
    }

    @Test
    void bindsRelaxedNamesAsTheEnvironmentGivesThem() {
        context.withPropertyValues("demo.rate=0.5", "demo.orders=5000", "demo.poison-every=100").run(started -> {
            DemoProperties properties = started.getBean(DemoProperties.class);
            assertThat(properties.traffic().placementInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(properties.orders()).isEqualTo(5000);
            assertThat(properties.poisonEvery()).isEqualTo(100);
        });
    }

    @Test
    void refusesToStartWithANonPositiveRateNamingTheProperty() {
        context.withPropertyValues("demo.rate=0").run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("demo.rate"));
    }

    @Test
    void refusesANegativeOrderCountAZeroStepDelayOrANegativePoisonHold() {
        context.withPropertyValues("demo.orders=-1").run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("demo.orders"));
        context.withPropertyValues("demo.step-delay=0s").run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("demo.step-delay"));
        context.withPropertyValues("demo.poison-hold=-1s").run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("demo.poison-hold"));
    }
}
