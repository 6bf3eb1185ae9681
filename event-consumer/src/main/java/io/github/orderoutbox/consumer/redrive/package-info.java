/** The redrive command: sends blocked orders' dead-lettered and parked events through the pipes again, and unblocks them. */
package io.github.orderoutbox.consumer.redrive;
