/** Checking received order events against their contract: the JSON Schema of each type and version, and the CloudEvents envelope. */
package io.github.orderoutbox.model.schema;
