package io.github.orderoutbox.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The demo orders service; see docs/demo.md. */
@SpringBootApplication
public class DemoOrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(DemoOrdersApplication.class, args);
    }
}
