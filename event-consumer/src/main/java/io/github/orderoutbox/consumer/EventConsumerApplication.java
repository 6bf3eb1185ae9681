package io.github.orderoutbox.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** event-consumer: applies every order event to the read model exactly once, in order per order. */
@SpringBootApplication
public class EventConsumerApplication {

    public static void main(String[] args) {
        SpringApplication.run(EventConsumerApplication.class, args);
    }
}
