/** The demo's settings and the wiring of its parts. */
package io.github.orderoutbox.demo.config;
