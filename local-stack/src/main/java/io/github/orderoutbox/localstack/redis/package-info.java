/** {@code redis-server} from the embedded-redis jar, run as a separate OS process. */
package io.github.orderoutbox.localstack.redis;
