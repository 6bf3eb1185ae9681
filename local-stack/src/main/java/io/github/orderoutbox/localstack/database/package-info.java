/** Database {@code orders} and the least-privilege login users, as docker-compose's Postgres has them. */
package io.github.orderoutbox.localstack.database;
