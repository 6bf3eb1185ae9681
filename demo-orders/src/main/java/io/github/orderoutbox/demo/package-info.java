/** A demo orders service: writes a steady stream of realistic orders and their events through the outbox. */
package io.github.orderoutbox.demo;
