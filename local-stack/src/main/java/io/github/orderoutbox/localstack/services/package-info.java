/** The relay, the consumer and the demo orders service, started from their packaged jars with docker-compose's environment. */
package io.github.orderoutbox.localstack.services;
