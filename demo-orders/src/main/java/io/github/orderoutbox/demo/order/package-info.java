/** The orders service proper: each change of an order is one transaction that locks the order, changes it and appends its event. */
package io.github.orderoutbox.demo.order;
