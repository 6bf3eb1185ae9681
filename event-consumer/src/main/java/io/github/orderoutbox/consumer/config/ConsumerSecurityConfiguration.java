package io.github.orderoutbox.consumer.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Health, Prometheus and info are open (probes and scrapers); the health details, and any other
 * endpoint, need HTTP basic authentication as the operator of {@link OperatorProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OperatorProperties.class)
public class ConsumerSecurityConfiguration {

    /** The role {@code management.endpoint.health.roles} names. */
    static final String OPERATOR_ROLE = "CONSUMER_OPERATOR";
    private static final Logger log = LoggerFactory.getLogger(ConsumerSecurityConfiguration.class);

    /** Only in a servlet web application: the operator's commands run without one, and have no HttpSecurity. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain consumerSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info").permitAll()
                        .anyRequest().hasRole(OPERATOR_ROLE))
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable()) // stateless basic auth, no browser session to ride on
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    UserDetailsService consumerOperators(OperatorProperties operator) {
        if (!operator.enabled()) {
            log.info("consumer.admin.disabled reason=\"consumer.admin.password is not set; health details are shown to nobody\"");
            return new InMemoryUserDetailsManager();
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = operator.password().startsWith("{") ? operator.password() : encoder.encode(operator.password());
        return new InMemoryUserDetailsManager(User.withUsername(operator.username()).password(password).roles(OPERATOR_ROLE).build());
    }

    @Bean
    PasswordEncoder consumerPasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
