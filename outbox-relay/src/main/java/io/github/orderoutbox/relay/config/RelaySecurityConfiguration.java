package io.github.orderoutbox.relay.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Health, Prometheus and info are open (probes and scrapers); every other endpoint, the outbox
 * admin endpoint among them, needs HTTP basic authentication as the operator of {@link AdminProperties}.
 */
@Configuration(proxyBeanMethods = false)
public class RelaySecurityConfiguration {

    static final String ADMIN_ROLE = "OUTBOX_ADMIN";
    private static final Logger log = LoggerFactory.getLogger(RelaySecurityConfiguration.class);

    /** Only in a servlet web application: {@code --relay.migrate-only=true} runs without one, and has no HttpSecurity. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain relaySecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info").permitAll()
                        .anyRequest().hasRole(ADMIN_ROLE))
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable()) // stateless basic auth, no browser session to ride on
                .sessionManagement(session -> session.sessionCreationPolicy(
                        org.springframework.security.config.http.SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    UserDetailsService relayOperators(AdminProperties admin) {
        if (!admin.enabled()) {
            log.info("relay.admin.disabled reason=\"relay.admin.password is not set; admin endpoints refuse every request\"");
            return new InMemoryUserDetailsManager();
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = admin.password().startsWith("{") ? admin.password() : encoder.encode(admin.password());
        return new InMemoryUserDetailsManager(User.withUsername(admin.username()).password(password).roles(ADMIN_ROLE).build());
    }

    @Bean
    PasswordEncoder relayPasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
