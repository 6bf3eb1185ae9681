/** Readers of the files a Docker user runs: docker-compose.yml, the Dockerfiles, the services' application.yml, the monitoring config. */
package io.github.orderoutbox.endtoend.files;
