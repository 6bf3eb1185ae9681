/** Where the orders come from: customers, baskets and lifecycles, paced at the configured rate. */
package io.github.orderoutbox.demo.traffic;
