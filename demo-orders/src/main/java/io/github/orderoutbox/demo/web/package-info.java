/** The demo's HTTP endpoints: its status and a poison event on demand. */
package io.github.orderoutbox.demo.web;
