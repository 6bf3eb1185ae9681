/** The relay's settings and the wiring of its parts. */
package io.github.orderoutbox.relay.config;
