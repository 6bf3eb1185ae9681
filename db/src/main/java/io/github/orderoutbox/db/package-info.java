/** The database's two Flyway migration sets, the outbox side and the read-model side, and how to apply each. */
package io.github.orderoutbox.db;
