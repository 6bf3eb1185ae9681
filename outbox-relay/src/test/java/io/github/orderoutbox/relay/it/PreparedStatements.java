package io.github.orderoutbox.relay.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A test source for {@link RelayFixture#startRelay(java.util.Map, Class[])} that wraps the relay's
 * data source, so that a test running the relay in its own JVM sees every statement the relay
 * prepares: {@link #listen} sets who is told (and may wrap the statement to see it run).
 */
@Configuration(proxyBeanMethods = false)
class PreparedStatements {

    /** Told of each statement the relay prepares, on the preparing thread; returns it, or a wrapper of it. */
    interface Listener {
        PreparedStatement prepared(String sql, PreparedStatement statement);
    }

    private static volatile Listener listener = (sql, statement) -> statement;

    static void listen(Listener newListener) {
        listener = newListener;
    }

    /** Calls {@code method} on {@code target}, rethrowing what it throws as itself (for proxies). */
    static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Bean
    static BeanPostProcessor listenedDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource dataSource ? new Listened(dataSource) : bean;
            }
        };
    }

    private static final class Listened extends DelegatingDataSource {

        Listened(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = super.getConnection();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Object result = invoke(method, connection, args);
                        return method.getName().equals("prepareStatement") && args[0] instanceof String sql
                                ? listener.prepared(sql.strip(), (PreparedStatement) result)
                                : result;
                    });
        }
    }
}
