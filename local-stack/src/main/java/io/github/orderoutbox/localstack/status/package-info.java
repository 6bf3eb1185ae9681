/** The pipeline's figures, read every second, shown as one status line, and the bounded run's finish line. */
package io.github.orderoutbox.localstack.status;
