/** What the relay tells operators: metrics, health and the outbox snapshot behind them. */
package io.github.orderoutbox.relay.observability;
