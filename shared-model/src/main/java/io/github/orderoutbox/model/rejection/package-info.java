/** Why an order event is refused for good: the non-retryable failures a consumer dead-letters at once, and the violations they carry. */
package io.github.orderoutbox.model.rejection;
