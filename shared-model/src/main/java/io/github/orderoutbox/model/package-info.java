/** The envelope every order event travels in, shared by the relay that writes it and the consumers that read it. */
package io.github.orderoutbox.model;
