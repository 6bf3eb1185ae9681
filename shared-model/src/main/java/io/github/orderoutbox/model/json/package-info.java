/** Reading and writing order events as JSON with Jackson 3, from bytes to trees to records and back. */
package io.github.orderoutbox.model.json;
